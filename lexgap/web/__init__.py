"""lexgap serve: the local web self-assessment (questionnaire in a browser, live status, reports).

Nothing here imports the web framework at import time: `lexgap.commands.serve` (the `serve` command) is
imported by the CLI, and
`lexgap --help` must stay fast. The app itself is built by `lexgap.web.app.create_app`.
"""
