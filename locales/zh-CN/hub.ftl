# linli-hub 命令行的提示（面向社区工作人员）
hub-serving = 社区服务已启动：http://{ $addr }（数据目录：{ $dir }）
hub-demo-created = 演示街道“{ $name }”及其社区已就绪。以下是各户的邀请码（码、社区和地址）：
hub-invite-issued = 邀请码已生成：{ $address }，有效期至 { $expires }
hub-community-created = 社区已创建：{ $id }
hub-notice-published = 通知已发布：
hub-notice-retracted = 通知已撤回：{ $id }
hub-consultation-created = 议事已创建：
hub-consultation-closed = 议事已结束投票：{ $id }
hub-report-updated = 诉求 { $id } 的状态已改为 { $status }
hub-device-revoked = 设备已停用：{ $id }
hub-no-data-dir = 找不到默认的数据目录，请用 --data-dir 指定
hub-bad-status = 无效的状态“{ $value }”，可选：accepted、in_progress、resolved、rejected
hub-bad-urgency = 无效的紧急程度“{ $value }”，可选：normal、important、urgent
hub-bad-id = 无效的编号“{ $value }”
hub-bad-time = 无效的时间“{ $value }”，请用 RFC 3339 格式，例如 2026-12-01T09:00:00+08:00
hub-list-empty = （无）
hub-staff-required = 这个命令会显示居民的个人信息：请用 --staff ID 说明您是谁（见 `linli-hub admin staff add`）
hub-votes = { $votes } 票
hub-reads = 已读 { $reads } / { $audience }
hub-revoked = 已停用
# linli-hub verify：审计
hub-log-key-rotated = 公开记录的签名密钥已更换为：{ $key }。旧密钥签署的更换声明会让居民设备自动跟随；请重启社区服务（serve）。
hub-log-key = 公开记录的公钥（居民加入时可见）：{ $key }
hub-verify-ok = 公开记录“{ $origin }”核验通过：已下载 { $size } 条记录并重新计算；{ $checkpoints } 个签名检查点与之一致（大小 { $sizes }）。
hub-verify-witnessed = 最新检查点已有见证方签名：{ $witnesses }
hub-verify-bad-witnesses = 见证方公钥或所需数量有误：{ $value }
hub-verify-kinds = 各类记录条数：{ $kinds }
hub-verify-restore = 已宣布的恢复：{ $at } 从备份恢复，公开记录回到 { $size } 条（恢复声明由记录密钥签名，并与现有记录相符）。
hub-verify-superseded = 收集到的恢复前检查点（条数 { $sizes }）与恢复后的记录不再衔接：其中超出恢复位置的条目已不存在，按已宣布的恢复处理，不算篡改。
hub-verify-tally = 议事 { $consultation }（计票记录 { $leaf }）：计入 { $ballots } 张选票，每张都是截止前记入的不同投票记录，且未被其他计票重复计入；公布的各选项票数：{ $votes }。
hub-verify-not-recounted = 未重新计票：每张票选了哪一项封存在承诺中，只向投票人本人公开，因此各选项票数以社区服务的公布为准，只检查了是否可能成立。
hub-verify-recounted = 已用 { $openings } 张打开的选票逐项重新计票：每次计票都计入了每张选票的最后一次投票，各项票数全部一致。
hub-verify-uncounted = 有 { $count } 条投票记录未被任何计票计入（仍在进行的议事，或后来被改过的票）。
hub-verify-failed = 核验失败：{ $reason }
hub-verify-bad-key = “{ $value }”不是有效的公钥（应为 名称+编号+base64）。
hub-verify-bad-file = 无法读取检查点文件 { $value }
hub-proxy-granted = 代办授权已登记：为 { $address } 代办，有效期至 { $expires }。授权编号：
hub-proxy-revoked = 代办授权已收回：{ $id }
hub-proxy-limits = 每位居民最多 { $proxies } 位代办亲友；每位亲友最多为 { $principals } 位居民代办
hub-proxy-ambiguous = 这一户有多位居民，请用居民编号指定：{ $ids }
hub-bad-scopes = 无效的代办范围“{ $value }”，可选：read_notices、report、vote（用逗号分隔）

# The street (街道) and its communities
hub-witness-notice-title = 公开记录的见证方有变更
hub-witness-notice-body = 本社区公开记录（投票、诉求办理）的见证方现为：{ $names }，每条记录需其中 { $quorum } 个确认。新的见证指纹：{ $fingerprint }。请与居务监督委员会公布的指纹核对；如不一致，请告知居务监督委员会。
hub-witness-notice-none = 本社区公开记录已不再有见证方确认。如您不知情，请告知居务监督委员会。
hub-witness-added = 已添加见证方：{ $name }。新加入的居民设备会记下见证方；请用 `admin witness list` 查看要印在邀请单上的指纹。
hub-witness-policy = 需 { $count } 个见证方中的 { $quorum } 个确认；邀请单上的见证指纹：{ $fingerprint }
hub-witness-refused = 无法使用该见证方：{ $reason }
hub-street-set = 街道已设置：{ $name }（{ $code }）
hub-street-staff-required = 这个命令以街道办的名义操作：请用 --street-staff ID 说明您是谁（见 `linli-hub admin street staff add`）
hub-street-overview-line = { $households } 户，{ $residents } 位居民，{ $reports } 件未办结的反映，{ $consultations } 项进行中的议事
hub-street-notice-published = 街道通知已发布到 { $count } 个社区。
hub-staff-link = 工作人员 { $staff } 的工作台登录：请在 72 小时内在本平台打开 { $path } 设置密码（链接只能用一次）
hub-staff-disabled = 已停用工作人员 { $name }（{ $staff }）：其工作台会话已全部结束，不能再登录
hub-staff-enabled = 已恢复工作人员 { $name }（{ $staff }）：可以用密码重新登录
# 备份与恢复（admin backup、admin restore、serve --backup-dir）。
hub-backup-done = 备份已写入 { $dir }：{ $files } 个文件，数据库版本 { $schema }
hub-backup-not-empty = { $dir } 不是空目录：备份或恢复需要一个不存在或空的目录
hub-backup-scheduled = 定时备份已写入 { $dir }
hub-backup-failed = 定时备份失败：{ $reason }
hub-restore-done = 已恢复到 { $dir } 并通过校验：{ $files } 个文件，{ $photos } 张照片，{ $logs } 个公开记录已按最新签名检查点重新计算
hub-restore-announced = 已记录这次恢复（数据库新编号 { $incarnation }）：住户的设备连上后会补发恢复的数据里没有的操作，并看到一条“已从备份恢复”的通知。
hub-restore-no-manifest = { $dir } 不是完整的备份（没有可读的 manifest.json：{ $reason }）
hub-restore-refused = 备份未通过校验，没有恢复任何内容：
hub-restore-file-missing = - 清单列出的 { $path } 不见了
hub-restore-file-changed = - { $path } 与清单不符（已损坏或在备份后被改动）
hub-restore-integrity = - 数据库已损坏：{ $detail }
hub-restore-schema-newer = - 数据库来自更新版本的 linli-hub（版本 { $found }，本程序只认识到 { $known }）
hub-restore-photo-damaged = - 照片 { $sha } 已损坏：内容与名称不符
hub-restore-photo-missing = - 照片 { $sha } 有记录但文件不见了
hub-restore-log-mismatch = - 社区 { $community } 的公开记录与大小为 { $size } 的签名检查点不符：有记录被改动
hub-restore-log-unreadable = - 社区 { $community } 的公开记录无法校验：{ $detail }
hub-restore-key-unreadable = - 公开记录的密钥不见了或无法读取：{ $detail }
hub-admin-restore-needs-data-dir = 请用 --data-dir 指定要恢复到的新数据目录
hub-metrics-serving = Prometheus 监控指标：http://{ $addr }/metrics（仅供运维人员）
hub-report-dispatch-step = 诉求 { $id }：{ $step ->
    [dispatched] 已派单
    [signed] 已签收
    [returned] 已退回
   *[noted] 已添加内部备注
}
hub-bad-role = 无效的角色“{ $value }”，可选：head、grid、unit、data、street
hub-time-limit-set = 办理时限已设为 { $days } 个工作日

## 统计与月度通报
stats-sheet-category = 按类别
stats-sheet-building = 按楼栋
stats-period = 统计期间
stats-col-category = 类别
stats-col-building = 楼栋
stats-col-total = 总数
stats-col-submitted = 待受理
stats-col-open = 办理中
stats-col-resolved = 已办结
stats-col-rejected = 不予受理
stats-col-withdrawn = 已撤回
stats-col-dispatched = 已派单
stats-col-responded = 及时响应
stats-col-overdue = 超期
stats-col-rated = 已评价
stats-col-satisfied = 满意
stats-col-basic = 基本满意
stats-col-unsatisfied = 不满意
stats-col-response-rate = 响应率
stats-col-resolution-rate = 解决率
stats-col-satisfaction-rate = 满意率
stats-col-median-hours = 办结用时中位数（小时）
# 统计页：网格、超期、按时办结率、百分位用时、来源
stats-sheet-grid = 按网格
stats-col-grid = 网格
stats-no-grid = 未划网格
stats-col-overdue-now = 当前超期
stats-col-on-time-rate = 按时办结率
stats-col-p90-hours = 办结用时90%分位（小时）
stats-col-median-accept-hours = 响应用时中位数（小时）
stats-col-p90-accept-hours = 响应用时90%分位（小时）
stats-cli-header = { $from } 至 { $to }（按{ $by }）
stats-col-group = 分组
stats-cli-total = 合计
stats-cli-trend = 趋势
stats-cli-notices = 通知触达（24小时内阅读的户数占比）
stats-cli-turnout = 协商参与
## Open311 GeoReport v2（城市系统、12345 热线）
open311-service-notice = 已转入社区收件箱，将按办结时限办理；结果可通过 GET requests 查询
open311-discovery-contact = 请联系本街道各社区办公室
open311-discovery-key-service = API 密钥由社区工作人员签发（linli-hub admin open311 key add）
open311-attr-external-id = 来件编号（如 12345 工单号）：同一编号再次提交，返回同一条诉求
open311-attr-external-id-type = 文本，最长 100 字
open311-attr-deadline = 来件方要求的办结时限
open311-attr-deadline-type = ISO 8601 时间，须含时区，如 2026-12-10T17:30:00+08:00
open311-attr-hotline-category = 来件方的分类
open311-attr-hotline-category-type = 文本，最长 100 字
hub-open311-key-added = 已签发 API 密钥“{ $name }”（{ $scope }，来源 { $source }）。密钥只显示这一次，请妥善交给对方：
hub-open311-key-revoked = 已吊销 API 密钥“{ $name }”
hub-open311-bad-scope = 无效的权限“{ $value }”，可选：read、write
hub-open311-bad-source = 无效的来源“{ $value }”，可选：12345、open311

## 办件清单导出（admin export cases）
export-col-id = 编号
export-col-category = 类别
export-col-status = 状态
export-col-building = 楼栋
export-col-created = 提交时间
export-col-assignee = 承办人
export-col-deadline = 承诺办结时间
export-col-signed = 签收时间
export-col-overdue = 是否超期
export-col-source = 来源
export-col-external-id = 来件编号
hub-export-written = 已导出 { $count } 件到 { $path }
hub-export-bad-format = 无效的格式“{ $value }”，可选：xlsx、csv

# -- the 12345 bridge: importing the hotline's case file, the result file, rate limits of keys
hotline-import-empty = 文件里没有工单：第一行应为表头（工单编号、诉求类别、诉求内容、地址/楼栋……），其后每行一件
hotline-import-unreadable = 无法读取该文件：请上传 12345 导出的 .xlsx，或 UTF-8 编码的 .csv
hotline-import-column-missing = 缺少“{ $column }”列
hotline-import-too-many = 一个文件最多 { $max } 行工单，请分开导入
hotline-row-required = “{ $column }”为空
hotline-row-repeated = 工单编号 { $id } 与第 { $first } 行重复
hotline-row-bad-time = “{ $column }”不是有效的时间：{ $value }（可写 2026-12-01 09:30 或 2026/12/01）
hotline-row-no-service = 找不到对应的社区分类“{ $value }”：请在“社区分类”列填写本社区的分类
hotline-import-done = 共 { $rows } 件工单：新建 { $created } 件，已有 { $existing } 件（同一工单编号不重复导入）
hotline-import-nothing-new = 共 { $rows } 件工单，均已导入过，这次没有新建任何工单
hotline-import-refused = 文件未导入（一件也没有导入），请改正以下各行后重新上传：
hotline-import-row = 第 { $row } 行：{ $reason }
hotline-col-external-id = 工单编号
hotline-col-category = 诉求类别
hotline-col-received = 接收时间
hotline-col-status = 办理状态
hotline-col-result = 办理结果
hotline-col-resolved = 办结时间
hotline-col-agency = 承办单位
hotline-col-satisfaction = 回访满意度
hotline-col-deadline = 办结时限
hotline-col-overdue = 是否超期
hotline-col-days = 办理用时（天）
hub-hotline-exported = 已导出 { $count } 件工单的办理结果到 { $path }
hub-hotline-bad-since = 无效的日期“{ $value }”，请写成 2026-12-01
