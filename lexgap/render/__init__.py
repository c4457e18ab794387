"""What every presenter renders with: the Jinja2 environments and filters (templating), and the PDF layout
by WeasyPrint with a fetcher that reads only the package's own assets (pdf, fetcher).

The presenters (report/, compare/, diff.py, web/) import this package, never each other. WeasyPrint is
imported only when a PDF is made.
"""
