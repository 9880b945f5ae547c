# 居民端核心（离线缓存、同步、照片、钥匙串）和命令行 linli 给居民看的话。

## 错误
core-error-database = 本机数据出了问题，请重启应用再试
core-error-newer-database = 这份资料是新版本的邻里保存的，请先升级应用
core-error-io = 读写本机文件时出错
core-error-storage-full = 本机存储空间已满，这次没有保存；之前保存的内容都还在。请清理出一些空间后再试
core-error-corrupt = 本机保存的数据无法读取
core-error-not-joined = 还没有加入社区，请先用社区给的邀请码加入
core-error-already-joined = 已经加入社区了
core-error-offline = 暂时连不上社区服务，请检查网络后再试；已做的操作都保存在本机，联网后自动同步
core-error-protocol = 社区服务的回复看不懂，请升级应用
core-error-keychain = 无法使用系统钥匙串保存登录凭据：{ $detail }
core-error-photo-not-image = “{ $file }”不是照片（只支持 JPEG、PNG、WebP）
core-error-photo-too-large = “{ $file }”太大了（约 { $mb } MB），应用一次最多能接收 { $max } MB 的文件
core-error-photo-heif = “{ $file }”是 HEIC/HEIF 格式的照片，这台设备还打不开。请把它换成 JPEG 再添加：iPhone 在“设置 → 相机 → 格式”里选“兼容性最佳”，以后拍的照片就是 JPEG；已经拍好的照片，用微信发给自己再保存下来，就是 JPEG 了
core-error-text-too-long = 填写的文字太长了：最多 { $max } 个字，现在是 { $len } 个字
core-error-photo-too-many-pixels = “{ $file }”的像素太多了（约 { $mp } 百万像素），照片最多 1.2 亿像素
core-error-bad-hub-url = 社区服务地址不正确
core-error-insecure-hub-url = 社区服务地址必须以 https:// 开头（不加密的 http 只能用于本机）

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

## 朗读（读给居民听的话：完整的句子，不用符号和缩写）
read-notice = { $urgency ->
    [urgent] 紧急通知。
    [important] 重要通知。
   *[normal] 通知。
  }{ $title }。{ $body }。发布时间：{ $month }月{ $day }日。
read-report = 您反映的问题：{ $category }。{ $text }。现在的状态：{ $status }。
read-report-event = { $month }月{ $day }日，{ $who }{ $what }{ $text }
read-who-resident = 您
read-who-staff = 社区工作人员
read-who-proxy = 您的家人
read-event-submitted = 提交了反映。
read-event-status = 把状态改为{ $status }。
read-event-comment = 留言。
read-event-withdrawn = 撤回了反映。
read-event-rated = 作了评价。
read-event-reopened = 重新打开了反映。
read-event-said = 说：{ $text }。
read-status-submitted = 已提交，等待社区受理
read-status-accepted = 社区已受理
read-status-in_progress = 正在处理
read-status-resolved = 已经办结
read-status-rejected = 社区不予受理
read-status-withdrawn = 已撤回
read-consultation = 议事协商：{ $title }。{ $description }。
read-consultation-open = 投票进行中，{ $month }月{ $day }日截止。
read-consultation-upcoming = 投票还没有开始。
read-consultation-closed = 投票已经结束。
read-consultation-options = 可以选择的有：{ $options }。
read-consultation-my-vote = 您选择了：{ $options }。
read-consultation-result = { $option }，{ $count } 票。
read-list-separator = ；

# 公开记录核验（应用中醒目提示，命令行以错误退出）
core-log-warning-title = 警告：社区服务的公开记录未通过核验
core-log-key-changed = 社区服务现在用来签名公开记录的公钥，与您加入时本机记下的不一致。其记录不可信，请告知社区办公室和邻居。
core-log-bad-checkpoint = 社区服务公开记录的签名无效，目前其记录不可信。
core-log-rollback = 社区服务的公开记录比本机上次核验时少了：有记录被删除。
core-log-rewritten = 社区服务的公开记录与本机之前核验的不一致：过去的记录被改动了。
core-log-receipt-missing = 您的一条记录（投票或诉求的变更）不在社区服务的公开记录中。
core-log-receipt-invalid = 社区服务为您的一条记录给出的回执与您的操作不符。
core-log-tally-mismatch = 有一项议事公布的结果与公开记录中的计票不一致。
core-log-bad-cosignature = 社区服务公开记录上的见证方签名无效：记录被改动过，目前不可信。请告知社区办公室和居务监督委员会。
core-log-witnesses-differ = 社区服务给出的见证方与社区发放的邀请单上印的不一致，未加入。请联系社区办公室核实。
core-log-awaiting-witnesses = 见证方（如居务监督委员会）还没有确认社区服务最新的公开记录，本机先保留上次经见证确认的记录，稍后会自动再查。
cli-log-key-pinned = 社区服务公开记录的公钥，已记在本机：{ $key }
cli-log-none = 该社区服务没有公开记录（本机加入时它没有提供公钥）。
cli-log-key = 公开记录公钥（加入时记下）：{ $key }
cli-log-checkpoint = 上次核验：共 { $size } 条记录，时间 { $at }
cli-log-never-checked = 尚未核验。
cli-log-receipts = 您的回执在公开记录中找到：{ $verified } / { $total }
cli-verify-failed = 核验失败：{ $reason }
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
core-proxy-message-title = 亲友代办
core-proxy-scope-read-notices = 看通知
core-proxy-scope-report = 报事
core-proxy-scope-vote = 投票
core-proxy-grant-principal-active = { $name }现在可以为您代办：{ $scopes }，至 { $until }
core-proxy-grant-principal-revoked = { $name }的代办授权已收回
core-proxy-grant-principal-given-up = { $name }已不再为您代办
core-proxy-grant-principal-expired = { $name }的代办授权已到期
core-proxy-grant-proxy-active = 您现在可以为 { $address } 代办：{ $scopes }，至 { $until }
core-proxy-grant-proxy-revoked = { $address } 的代办授权已被收回，您不能再为其办理
core-proxy-grant-proxy-given-up = 您已放弃为 { $address } 代办
core-proxy-grant-proxy-expired = 您为 { $address } 代办的授权已到期
core-proxy-act-about = { $line }：{ $what }

## 社区服务从备份恢复
core-hub-restored-title = 社区服务已从备份恢复
core-hub-restored-text = 社区服务的数据已从备份恢复。本机保存的您的操作已重新发送，列表已按社区服务现在的数据更新。
core-hub-restored-gap = 社区服务的数据已从备份恢复。本机保存的您的操作已重新发送。公开记录回到了第 { $from } 条：本机曾看到第 { $from } 到第 { $to } 条，这些已不在社区服务的公开记录中（重新发送的内容会重新记录）。
