# 居民应用界面上的文字。
app-title = 邻里
skip-to-content = 跳到正文
loading = 正在加载…
back = 返回
next = 下一步
cancel = 取消
pending = 待同步
nav-label = 主要栏目
nav-home = 首页
nav-notices = 通知公告
nav-report = 随手拍
nav-reports = 我的反映
nav-consultations = 议事协商
nav-settings = 设置

sync-unknown = 正在读取同步状态
sync-done = 已同步
sync-pending = { $count } 条待同步
sync-syncing = 同步中
sync-offline = 离线，{ $count } 条待同步
sync-error = 同步出错，{ $count } 条待同步
sync-now = 立即同步

time-closed = 已截止
time-left-days = 还剩 { $count } 天
time-left-hours = 还剩 { $count } 小时
time-left-minutes = 还剩 { $count } 分钟

messages-label = 给您的提醒
message-dismiss = 知道了

join-title = 加入您的社区
join-intro = 请输入社区办公室给您的邀请码。
join-code = 邀请码
join-code-help = 8 位字母，例如 ABCD-EFGH，不区分大小写。
join-code-missing = 请先填写邀请码
join-hub = 社区服务地址
join-submit = 加入
join-busy = 正在加入…

# 从邀请单加入：linli://join?hub=…&code=… 链接（二维码）
join-link-filled = 已按邀请单上的链接填好邀请码和社区服务地址，请核对后点“加入”。
join-link-refused-foreign = 这个链接不是邻里的加入链接，没有使用。请扫描社区办公室邀请单上的二维码，或直接填写邀请码。
join-link-refused-bad_hub = 这个加入链接里的社区服务地址不对（应以 http:// 或 https:// 开头），没有使用。请直接填写邀请单上的地址和邀请码。
join-link-refused-bad_code = 这个加入链接里的邀请码不对（应为 8 位字母或数字，例如 ABCD-EFGH），没有使用。请直接填写邀请单上的邀请码。
join-link-already-joined = 这台设备已经加入社区了，没有再使用这个加入链接。
join-link-dismiss = 知道了

home-urgent = 紧急通知
home-unread-before = 您有
home-unread-after = 条未读通知
home-see-notices = 查看全部通知
home-open-consultations = 正在进行的议事
home-my-reports = 我的反映
home-open-reports = 处理中的反映：{ $count } 条
home-report-awaiting = 已办结，请评价：{ $text }
home-office = 社区办公室
home-office-hours = 办公时间

urgency-normal = 一般
urgency-important = 重要
urgency-urgent = 紧急
notice-pinned = 置顶
notice-unread = 未读
notices-empty = 暂时没有通知。
notice-attachments = 附件

report-title = 随手拍
report-step = 第 { $step } 步，共 { $total } 步
report-q-category = 是什么问题？
report-q-text = 请说说发生了什么
report-q-address = 在哪里？
report-no-categories = 还没有问题类别，请先同步。
report-photos = 照片（可选，最多 9 张）
report-photos-help = 照片会缩小并去掉拍摄地点等信息后再发送。
report-photos-max = 照片最多 9 张
report-photo-remove = 删除这张
report-photo-count = { $count } 张照片
report-photo-alt = 反映的照片
report-photo-loading = 照片加载中
report-need-category = 请先选一个问题类别
report-need-text = 请写几句话说明情况
report-need-address = 请选择楼栋，或写下具体位置
address-building = 楼栋
address-unit = 单元
address-room = 户
address-choose = 请选择
address-text = 具体位置（可选）
report-review = 请核对后提交
report-review-category = 问题类别
report-review-text = 情况说明
report-review-address = 位置
report-review-photos = 照片
report-submit = 提交
report-saved = 已提交，社区会尽快处理。
report-saved-offline = 已保存，联网后自动发送
report-see-it = 查看这条反映
report-another = 再拍一条
reports-empty = 您还没有反映过问题。

status-submitted = 已提交
status-accepted = 受理
status-in_progress = 处理中
status-resolved = 已办结
status-rejected = 不予受理
status-withdrawn = 已撤回
actor-resident = 居民
actor-staff = 社区工作人员
actor-proxy = 代办亲友
event-submitted = 提交了反映
event-status = 状态更新
event-comment = 留言
event-withdrawn = 撤回了反映
event-rated = 评价
event-reopened = 重新打开
satisfaction-satisfied = 满意
satisfaction-basic = 基本满意
satisfaction-unsatisfied = 不满意
report-reply = 社区回复
report-timeline = 处理记录
report-handling-signed = 已签收
report-rate-q = 您对处理结果满意吗？
report-rate-comment = 补充说明（可选）
report-rated = 谢谢您的评价
report-reopen = 重新打开
report-reopened = 已重新打开，社区会继续处理
report-comment = 留言
report-comment-send = 发送留言
report-commented = 留言已保存
report-withdraw = 撤回这条反映
report-withdrawn = 已撤回

consultations-empty = 暂时没有议事。
consultations-none-open = 目前没有正在进行的议事。
consultation-status-open = 进行中
consultation-status-closed = 已结束
consultation-status-upcoming = 未开始
consultation-voted = 已投票
consultation-closes = 截止时间：{ $when }
vote-pick-one = 请选择一项
vote-pick-many = 最多可选 { $max } 项
vote-submit = 投票
vote-change = 改投
vote-saved = 您的投票已保存
vote-mine = 我的选择
vote-choose-first = 请先选择
vote-too-many = 最多只能选 { $max } 项
results = 投票结果
results-total = 共 { $count } 票
results-votes = { $count } 票
results-after-close = 结果将在投票结束后公布。

settings-language = 语言
settings-text-size = 文字大小
text-size-1 = 小
text-size-2 = 标准
text-size-3 = 大
text-size-4 = 特大
settings-device = 本机
settings-household = 我家
settings-community = 社区
settings-version = 版本
settings-sign-out = 退出并清除本机数据
settings-sign-out-confirm = 退出后，本机上的数据和登录凭证都会删除，尚未同步的内容也会丢失。确定吗？
settings-sign-out-yes = 确定退出

## 关怀模式（大字、大按钮、选项少、可朗读）
care-choice-title = 欢迎使用邻里
care-choice-question = 您想用哪种样子？以后随时可以在首页和设置里改。
care-choice-on = 大字关怀模式
care-choice-on-help = 字大、按钮大、选项少，可以朗读
care-choice-off = 标准模式
care-choice-off-help = 功能齐全，字号适中
care-mode = 关怀模式
care-mode-help = 字更大、按钮更大、选项更少，通知和进度可以朗读。
care-switch-on = 切换到大字关怀模式
care-switch-off = 退出关怀模式
care-nav-reports = 我反映的问题
care-action-notices = 看通知
care-action-report = 随手拍
care-action-report-note = 拍照反映问题
care-action-vote = 去投票
care-action-call = 打电话给社区
care-unread-count = { $count ->
    [0] 没有未读通知
   *[other] { $count } 条没看过
  }
care-urgent-count = { $count } 条紧急通知
care-open-count = { $count ->
    [0] 现在没有投票
   *[other] { $count } 项正在投票
  }
read-aloud = 朗读
read-aloud-stop = 停止朗读
vote-confirm-question = 您选择的是：{ $choice }。确定投这一票吗？
vote-confirm-yes = 确定投票
vote-confirm-no = 返回修改
report-q-photos = 要不要拍张照片？不拍也可以，直接点“下一步”。
report-place-home = 在我家
report-place-elsewhere = 在别的地方

## 可验证记录（透明日志）
results-verified = 可验证
results-verified-at = 这个结果记在社区的公开记录里（第 { $size } 条记录时核对过），事后无法悄悄改动。
log-title = 可验证记录
log-help = 您的投票和反映的处理进度都记在社区的公开记录里，本机每次同步都会核对，任何人事后都无法悄悄修改或删除。
log-failed = 核对失败，请联系社区：
log-witnesses = 见证方
log-witnesses-policy = 需 { $count } 个见证方中的 { $quorum } 个确认
log-receipts = 已核对的凭证
log-receipts-count = { $held } 张凭证中已核对 { $verified } 张
log-checkpoint = 最近核对的记录
log-checkpoint-size = 共 { $size } 条记录
log-key = 社区记录的公钥

## 亲友代办
nav-proxies = 亲友代办
proxy-title = 亲友代办
proxy-intro = 家人可以替您看通知、反映问题、投票。您决定让他们做哪些事、多长时间，随时可以收回；他们做的每件事您都看得到。
proxy-open = 管理亲友代办
proxy-act-for = 为谁办理
proxy-act-for-button = 为 { $who } 办理
proxy-acting-now = 正在为 { $who } 办理
proxy-acting-stop = 回到我自己
proxy-until = 到 { $when } 为止
proxy-scope-read_notices = 看通知
proxy-scope-report = 反映问题
proxy-scope-vote = 投票
proxy-invite-title = 请家人代办
proxy-invite-scopes = 允许家人替我
proxy-invite-button = 生成代办码
proxy-invite-code-intro = 把这个代办码告诉家人，让他们在自己的邻里里输入：
proxy-invite-code-help = 只能用一次，{ $when } 前有效。
proxy-choose-scope = 请至少选一项
proxy-accept-title = 替家人办理
proxy-accept-code = 家人给您的代办码
proxy-accept-name = 您的称呼（对方会看到，如“女儿小芳”）
proxy-accept-button = 接受代办
proxy-code-missing = 请输入代办码
proxy-accepted = 已接受，现在可以在“为谁办理”里选择家人
proxy-grants-title = 代办关系
proxy-none = 还没有代办关系
proxy-for-me = { $who } 替我办理
proxy-i-act-for = 我替 { $who } 办理
proxy-status-active = 有效
proxy-status-revoked = 已收回
proxy-status-given_up = 已放弃
proxy-status-expired = 已过期
proxy-revoke = 收回
proxy-give-up = 不再代办
proxy-revoked = 已收回代办
proxy-given-up = 已放弃代办
proxy-activity-title = 代办记录
proxy-activity-none = 还没有人替您办过事

# A street-wide notice (街道通知): who sent it
notice-from-street = 来自{ $street }

# Phone conventions: the bottom tab bar, "我的", the progress stepper and the photo viewer.
nav-me = 我的
tab-notices = 通知
tab-consultations = 议事
me-title = 我的
me-household = 我家：{ $address }
report-progress = 办理进度
report-progress-step = 第 { $n } 步，共 { $total } 步
report-step-done = 已完成
report-step-current = 当前
report-step-todo = 未开始
report-rejected-reason = 原因：{ $reason }
report-handler = 承办：{ $unit }
report-promised = 承诺 { $date } 前办结
report-photo-n = 照片 { $n }（共 { $total } 张）
report-photo-open = 查看照片 { $n } 的大图（共 { $total } 张）
viewer-label = 照片查看
viewer-close = 关闭
viewer-prev = 上一张
viewer-next = 下一张
