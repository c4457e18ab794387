"""lexgap: legislative gap analysis against GA resolution 74/174."""
