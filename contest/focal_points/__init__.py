"""Agency focal points (đầu mối): an agency's subtree followed read-only, and staff rosters."""
