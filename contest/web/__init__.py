"""What every blueprint shares of the web layer (redirects; later errors, guards, templating)."""
