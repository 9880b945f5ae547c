# linli-witness: the witness program the supervision committee runs.
witness-created = Witness key created in { $dir }. The line below is the witness's public key: give it to the community office, and back up witness.key.
witness-log-added = Now witnessing the public record { $origin }
witness-serving = The witness is serving at { $url } (give this address to the community office)
witness-key-exists = { $path } already holds a witness key; a witness keeps its key and never overwrites it.
witness-key-unreadable = The witness key cannot be read: { $detail }
witness-state-failed = The witness's records (witness.sqlite) cannot be read or written: { $detail }
witness-bad-log-key = The public record's key is malformed: { $detail }
witness-bad-origin = The public record's name (origin) must be one non-empty line.
witness-listen-failed = Cannot serve on { $addr }: { $detail }
witness-failed = Something went wrong: { $detail }
