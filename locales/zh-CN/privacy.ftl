# 居民加入前和在设置里看到的隐私说明。版本号是 linli-proto 的 PRIVACY_NOTICE_VERSION：改动这里任何一条的意思，
# 都要把这个数字加一，每台设备会重新征求同意。
privacy-title = 隐私说明
privacy-version = 第 { $version } 版
privacy-intro = 邻里由您所在的社区居委会运营。下面用简单的话说明它保存您的哪些信息、为什么保存。
privacy-collected-title = 我们保存什么
privacy-collected = 邀请码对应的住址（楼栋、单元、房号）；您提交的报修和反映，包括文字、照片和可选的位置；您的留言和评价；您投的票；您看过哪些通知；这台设备的名称。不收集身份证号，不读取通讯录。照片上传前会去掉隐藏信息（时间、地点、相机）。
privacy-why-title = 为什么
privacy-why = 只为提供社区服务：处理您的报修，公平地统计投票（每户或每人一票），把您楼栋的通知发给您。
privacy-staff-title = 谁能看到
privacy-staff = 只有您所在社区居委会的工作人员。工作人员每次查看您的信息、每次导出您的数据，都会记入日志，由居委会的个人信息负责人检查。
privacy-device-title = 权限
privacy-device = 只有在您用到时，邻里才会请求文件、相机或位置权限。拒绝也不影响其他功能。
privacy-rights-title = 您的权利
privacy-rights = 在“设置”里，您可以随时重新阅读本说明、下载个人信息副本、注销账号。
privacy-closure-title = 注销账号
privacy-closure = 注销后立即删除您的设备名称、与住址的关联、照片和您写的文字（报修、留言、评价），您的设备全部退出，您给亲友或亲友给您的代办授权全部结束。为社区留档而保留、但不再能认出您的：报修曾经存在以及处理经过，投票的总数。公开记录里的投票凭证是匿名编码。
privacy-retention-title = 保存多久
privacy-retention = 报修办结两年后删除其照片。其他信息在您是居民期间保存，注销时删除。
privacy-agree = 我已阅读并同意
privacy-decline = 暂不同意
privacy-changed = 隐私说明有更新，请重新阅读。
privacy-required = 同意隐私说明后才能加入。
privacy-agreed-on = 您已于 { $date } 同意第 { $version } 版。
