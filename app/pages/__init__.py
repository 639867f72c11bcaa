"""One module per page: its view model (with the JSON twin inside), built from the site index and
the page's typed state, and where the page has one its CSV table. The HTML route, the JSON twin
and the CSV twin all read the same model, so they cannot disagree.

Pure: no FastAPI, no database."""
