# Desktop notifications sent by the app shell.
shell-notify-report-title = Your report has news
shell-notify-report-body = Now: { $status }
shell-notify-urgent-title = Urgent notice
