# 桌面通知（应用外壳发出）。
shell-notify-report-title = 您的反映有新进展
shell-notify-report-body = 当前状态：{ $status }
shell-notify-urgent-title = 紧急通知

# 朗读
shell-read-aloud-failed = 暂时无法朗读，请稍后再试
