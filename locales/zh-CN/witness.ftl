# linli-witness: the witness program the supervision committee runs.
witness-created = 已在 { $dir } 生成见证密钥。下面一行是见证方公钥，请交给社区办公室，并妥善备份 witness.key。
witness-log-added = 已添加要见证的公开记录：{ $origin }
witness-serving = 见证服务已启动：{ $url }（请把此地址告诉社区办公室）
witness-key-exists = { $path } 已有见证密钥；见证方始终使用同一把密钥，不会覆盖。
witness-key-unreadable = 见证密钥无法读取：{ $detail }
witness-state-failed = 见证记录（witness.sqlite）无法读写：{ $detail }
witness-bad-log-key = 公开记录的公钥格式不对：{ $detail }
witness-bad-origin = 公开记录的名称（origin）必须是一行非空文字。
witness-listen-failed = 无法在 { $addr } 上提供服务：{ $detail }
witness-failed = 出错了：{ $detail }
