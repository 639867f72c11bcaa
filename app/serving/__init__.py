"""What the HTML pages and the API share to answer a request: the site index of the current
revision, templating and the page cache, compressed parts, CSV responses."""
