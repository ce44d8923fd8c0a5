// Sphinx's result scores (searchtools.js), with one change: results on the API reference page
// (book/api) rank after the chapters, which explain what the API implements (book/_ext/reading.py).
var Scorer = {
  score: (result) => {
    const [docname, , , , score] = result;
    return docname === "book/api" ? score - 30 : score;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
