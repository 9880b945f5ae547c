# Desktop notifications sent by the app shell.
shell-notify-report-title = Your report has news
shell-notify-report-body = Now: { $status }
shell-notify-urgent-title = Urgent notice

# Read aloud
shell-read-aloud-failed = Reading aloud is not possible right now; please try again later
