# 居民端核心（离线缓存、同步、照片、钥匙串）和命令行 linli 给居民看的话。

## 错误
core-error-database = 本机数据出了问题，请重启应用再试
core-error-newer-database = 这份资料是新版本的邻里保存的，请先升级应用
core-error-io = 读写本机文件时出错
core-error-corrupt = 本机保存的数据无法读取
core-error-not-joined = 还没有加入社区，请先用社区给的邀请码加入
core-error-already-joined = 已经加入社区了
core-error-offline = 暂时连不上社区服务，请检查网络后再试；已做的操作都保存在本机，联网后自动同步
core-error-protocol = 社区服务的回复看不懂，请升级应用
core-error-keychain = 无法使用系统钥匙串保存登录凭据：{ $detail }
core-error-photo-not-image = “{ $file }”不是照片（只支持 JPEG、PNG、WebP）
core-error-photo-too-large = “{ $file }”太大了（约 { $mb } MB），照片不能超过 20 MB
core-error-bad-hub-url = 社区服务地址不正确

## 被社区服务拒绝的操作
core-rejected-create-report = 您的反映没有提交成功
core-rejected-comment-report = 您的补充说明没有提交成功
core-rejected-withdraw-report = 撤回没有成功
core-rejected-rate-report = 评价没有提交成功
core-rejected-reopen-report = 重新打开没有成功
core-rejected-cast-vote = 您的投票没有计入
core-rejected-mark-notice-read = 已读标记没有同步
core-rejected-unknown-reason = 社区服务拒绝了这项操作
core-rejected-line = { $title }：{ $reason }

## 同步状态
core-state-idle = 已同步
core-state-syncing = 正在同步…
core-state-offline = 离线
core-state-error = 同步出错
core-pending = { $count } 项待同步
core-last-synced = 上次同步：{ $at }
core-never-synced = 尚未同步

## 命令行
cli-joined = 已加入 { $community }（{ $building } { $unit } { $room }）
cli-synced = 同步完成：提交 { $applied } 项，被拒 { $rejected } 项，收到 { $pulled } 项更新
cli-sync-failed = 同步失败：{ $reason }
cli-still-pending = 还有 { $count } 项保存在本机，下次同步时提交
cli-report-queued = 反映已保存（编号 { $id }），联网后自动提交
cli-done = 已保存，联网后自动同步
cli-notice-unread = 未读
cli-notice-read = 已读
cli-pending-mark = 待同步
cli-urgency-normal = 普通
cli-urgency-important = 重要
cli-urgency-urgent = 紧急
cli-status-submitted = 已提交
cli-status-accepted = 已受理
cli-status-in_progress = 处理中
cli-status-resolved = 已办结
cli-status-rejected = 不予受理
cli-status-withdrawn = 已撤回
cli-consultation-open = 进行中
cli-consultation-closed = 已结束
cli-consultation-upcoming = 未开始
cli-my-vote = 我的选择
cli-votes = { $count } 票
cli-event-submitted = 提交
cli-event-status = 状态更新
cli-event-comment = 补充说明
cli-event-withdrawn = 撤回
cli-event-rated = 评价
cli-event-reopened = 重新打开
cli-satisfaction-satisfied = 满意
cli-satisfaction-basic = 基本满意
cli-satisfaction-unsatisfied = 不满意
cli-no-items = （没有内容）
cli-bad-id = “{ $id }”不是有效的编号
cli-bad-lang = 不支持的语言“{ $lang }”，可用 zh-CN 或 en-US
cli-error = 错误：{ $message }
core-proxy-act-create-report = 代您报事
core-proxy-act-comment-report = 代您补充说明
core-proxy-act-withdraw-report = 代您撤回报事
core-proxy-act-rate-report = 代您评价
core-proxy-act-reopen-report = 代您申请重新处理
core-proxy-act-cast-vote = 代您投票
core-proxy-act-mark-notice-read = 代您阅读通知
core-proxy-acted = { $name }{ $what }
core-proxy-someone = 您的代办亲友
cli-bad-scopes = 无效的代办范围“{ $scopes }”，可选：read_notices、report、vote（用逗号分隔）
cli-proxy-invite = 请把下面的授权码告诉您的亲友（24 小时内有效，至 { $until }，只能用一次）。授权范围：{ $scopes }，期限 { $days } 天。
cli-proxy-accepted = 已获得代办授权：为 { $address } 代办（居民编号 { $principal }），范围 { $scopes }，有效期至 { $until }。用 --as { $principal } 为其办理。
cli-proxy-role-principal = { $name } 为我代办
cli-proxy-role-proxy = 我为 { $address } 代办
cli-proxy-status-active = 有效
cli-proxy-status-revoked = 已收回
cli-proxy-status-given-up = 已放弃
cli-proxy-status-expired = 已到期
