"""Excel exports of a round's results (openpyxl write-only, streamed, constant memory)."""
