# Messages of the linli-hub command line (for community office staff)
hub-serving = Community hub running at http://{ $addr } (data directory: { $dir })
hub-demo-created = Demo street “{ $name }” is ready with its communities. Invitation codes per household (code, community and address):
hub-invite-issued = Invitation code issued for { $address }, valid until { $expires }
hub-community-created = Community created: { $id }
hub-notice-published = Notice published:
hub-notice-retracted = Notice retracted: { $id }
hub-consultation-created = Consultation created:
hub-consultation-closed = Voting closed: { $id }
hub-report-updated = Report { $id } is now { $status }
hub-device-revoked = Device switched off: { $id }
hub-no-data-dir = No default data directory found; please pass --data-dir
hub-bad-status = Unknown status “{ $value }”; use accepted, in_progress, resolved or rejected
hub-bad-urgency = Unknown urgency “{ $value }”; use normal, important or urgent
hub-bad-id = Not a valid id: “{ $value }”
hub-bad-time = Not a valid time: “{ $value }”; use RFC 3339, e.g. 2026-12-01T09:00:00+08:00
hub-list-empty = (none)
hub-staff-required = This command shows residents' personal details: say who you are with --staff ID (see `linli-hub admin staff add`)
hub-votes = { $votes } votes
hub-reads = read { $reads } / { $audience }
hub-revoked = switched off
# linli-hub verify: the auditor
hub-log-key-rotated = The public record's signing key is now: { $key }. The statement signed by the old key lets residents' devices follow; restart the hub (serve).
hub-log-key = Transparency log key (residents see it when they join): { $key }
hub-verify-ok = Log “{ $origin }” verified: { $size } leaves downloaded and the tree recomputed; { $checkpoints } signed checkpoint(s) match it (sizes { $sizes }).
hub-verify-witnessed = The latest checkpoint is cosigned by the witnesses: { $witnesses }
hub-verify-bad-witnesses = The witness keys or the quorum are wrong: { $value }
hub-verify-kinds = Leaves by kind: { $kinds }
hub-verify-restore = Announced restore: restored from a backup at { $at }, the log went back to { $size } leaves (the statement is signed by the log key and matches the log).
hub-verify-superseded = Checkpoints collected before the restore (sizes { $sizes }) are not extended by the restored log: their entries beyond the restored size are gone, as the restore announced; this is not counted as tampering.
hub-verify-tally = Consultation { $consultation } (tally leaf { $leaf }): { $ballots } ballots counted, each a distinct vote leaf logged before the close and counted by no other tally; votes per option as published: { $votes }.
hub-verify-not-recounted = Not recounted: which option each vote chose is sealed in its commitment, opened only for the voter, so the votes per option are the hub's word, checked only for being possible.
hub-verify-recounted = Recounted option by option from { $openings } opened votes: every tally counts the latest vote of every ballot, and every number matches.
hub-verify-uncounted = { $count } vote leaves are counted by no tally (votes of consultations still open, or votes replaced later).
hub-verify-failed = VERIFICATION FAILED: { $reason }
hub-verify-bad-key = “{ $value }” is not a log key (expected name+keyid+base64).
hub-verify-bad-file = Cannot read checkpoint file { $value }
hub-proxy-granted = Proxy authorization recorded: acting for { $address }, valid until { $expires }. Grant id:
hub-proxy-revoked = Proxy authorization taken back: { $id }
hub-proxy-limits = Each resident may have at most { $proxies } proxies; each proxy may act for at most { $principals } residents
hub-proxy-ambiguous = Several residents live in that household; name one by resident id: { $ids }
hub-bad-scopes = Invalid proxy scopes "{ $value }"; choose from read_notices, report, vote (comma-separated)

# The street (街道) and its communities
hub-witness-notice-title = The witnesses of the public record changed
hub-witness-notice-body = The community's public record (votes, report handling) is now witnessed by: { $names }; { $quorum } of them must confirm each record. New witness fingerprint: { $fingerprint }. Compare it with the fingerprint the supervision committee published, and tell the committee if it differs.
hub-witness-notice-none = The community's public record is no longer confirmed by any witness. If you were not told why, please tell the supervision committee.
hub-witness-added = Witness added: { $name }. Devices that join from now on pin it; `admin witness list` shows the fingerprint to print on invitation slips.
hub-witness-policy = { $quorum } of { $count } witnesses must confirm; witness fingerprint for invitation slips: { $fingerprint }
hub-witness-refused = This witness cannot be used: { $reason }
hub-street-set = Street set: { $name } ({ $code })
hub-street-staff-required = This command acts for the street office: say who you are with --street-staff ID (see `linli-hub admin street staff add`)
hub-street-overview-line = { $households } households, { $residents } residents, { $reports } open reports, { $consultations } live consultations
hub-street-notice-published = Street notice published to { $count } communities.
hub-staff-link = Console sign-in for staff { $staff }: open { $path } on this hub within 72 hours to set a password (the link works once)
hub-staff-disabled = Switched staff member { $name } ({ $staff }) off: their console sessions have ended and sign-in is refused
hub-staff-enabled = Switched staff member { $name } ({ $staff }) back on: they can sign in with their password again
# Backups and restore (admin backup, admin restore, serve --backup-dir).
hub-backup-done = Backup written to { $dir }: { $files } files, schema version { $schema }
hub-backup-not-empty = { $dir } is not empty: a backup or restore needs a missing or empty directory
hub-backup-scheduled = Scheduled backup written to { $dir }
hub-backup-failed = Scheduled backup failed: { $reason }
hub-restore-done = Restored into { $dir } and verified: { $files } files, { $photos } photos, { $logs } transparency logs recomputed against their latest checkpoint
hub-restore-announced = The restore is recorded (new database incarnation { $incarnation }): residents' devices re-send what the restored data lacks when they next connect, and each shows a notice that the hub was restored from a backup.
hub-restore-no-manifest = { $dir } is not a finished backup (no readable manifest.json: { $reason })
hub-restore-refused = The backup failed verification; nothing was restored:
hub-restore-file-missing = - { $path } is listed in the manifest but missing
hub-restore-file-changed = - { $path } differs from the manifest (damaged or changed after the backup)
hub-restore-integrity = - the database is damaged: { $detail }
hub-restore-schema-newer = - the database is from a newer linli-hub (schema { $found }; this one knows { $known })
hub-restore-photo-damaged = - photo { $sha } is damaged: its contents do not match its name
hub-restore-photo-missing = - photo { $sha } is recorded but its file is missing
hub-restore-log-mismatch = - the transparency log of community { $community } does not match its signed checkpoint at size { $size }: a leaf was changed
hub-restore-log-unreadable = - the transparency log of community { $community } cannot be checked: { $detail }
hub-restore-key-unreadable = - the log key is missing or unreadable: { $detail }
hub-admin-restore-needs-data-dir = Restore into a new data directory: name it with --data-dir
hub-metrics-serving = Metrics for Prometheus at http://{ $addr }/metrics (for the operator only)
hub-report-dispatch-step = Report { $id }: { $step ->
    [dispatched] dispatched
    [signed] signed for
    [returned] sent back
   *[noted] note added
}
hub-bad-role = Unknown role “{ $value }”; use head, grid, unit, data or street
hub-time-limit-set = Time limit set: { $days } working days

## Statistics and the monthly report
stats-sheet-category = By category
stats-sheet-building = By building
stats-period = Period
stats-col-category = Category
stats-col-building = Building
stats-col-total = Total
stats-col-submitted = Awaiting
stats-col-open = In hand
stats-col-resolved = Resolved
stats-col-rejected = Not accepted
stats-col-withdrawn = Withdrawn
stats-col-dispatched = Dispatched
stats-col-responded = Answered in time
stats-col-overdue = Overdue
stats-col-rated = Rated
stats-col-satisfied = Satisfied
stats-col-basic = Basically satisfied
stats-col-unsatisfied = Unsatisfied
stats-col-response-rate = Response rate
stats-col-resolution-rate = Resolution rate
stats-col-satisfaction-rate = Satisfaction rate
stats-col-median-hours = Median hours to resolve
# Statistics screen: grids, overdue, on-time rate, percentile times, sources
stats-sheet-grid = By grid
stats-col-grid = Grid
stats-no-grid = No grid
stats-col-overdue-now = Overdue now
stats-col-on-time-rate = On-time rate
stats-col-p90-hours = Hours to resolve, 90th percentile
stats-col-median-accept-hours = Hours to respond, median
stats-col-p90-accept-hours = Hours to respond, 90th percentile
stats-cli-header = { $from } to { $to } (by { $by })
stats-col-group = Group
stats-cli-total = Total
stats-cli-trend = Trend
stats-cli-notices = Notice reach (households that read within 24 hours)
stats-cli-turnout = Consultation turnout
## Open311 GeoReport v2 (city systems, the 12345 hotline)
open311-service-notice = Passed to the community's inbox and handled within the deadline; GET requests gives the result
open311-discovery-contact = Please contact the community offices of the street
open311-discovery-key-service = API keys are issued by community staff (linli-hub admin open311 key add)
open311-attr-external-id = The caller's case id (e.g. the 12345 ticket number): the same id again answers the same request
open311-attr-external-id-type = Text, at most 100 characters
open311-attr-deadline = The deadline the caller set
open311-attr-deadline-type = ISO 8601 time with its zone, e.g. 2026-12-10T17:30:00+08:00
open311-attr-hotline-category = The caller's own category
open311-attr-hotline-category-type = Text, at most 100 characters
hub-open311-key-added = Issued the API key "{ $name }" ({ $scope }, source { $source }). The key is shown only this once; hand it over safely:
hub-open311-key-revoked = Revoked the API key "{ $name }"
hub-open311-bad-scope = Invalid scope "{ $value }"; choose read or write
hub-open311-bad-source = Invalid source "{ $value }"; choose 12345 or open311

## The raw case list (admin export cases)
export-col-id = Id
export-col-category = Category
export-col-status = Status
export-col-building = Building
export-col-created = Made
export-col-assignee = Assignee
export-col-deadline = Promised by
export-col-signed = Signed for
export-col-overdue = Overdue
export-col-source = Source
export-col-external-id = Caller's case id
hub-export-written = Exported { $count } cases to { $path }
hub-export-bad-format = Invalid format "{ $value }"; choose xlsx or csv

# -- the 12345 bridge: importing the hotline's case file, the result file, rate limits of keys
hotline-import-empty = The file holds no case: the first row must be the header (工单编号, 诉求类别, 诉求内容, 地址/楼栋…), then one case a row
hotline-import-unreadable = The file cannot be read: upload the hotline's .xlsx export, or a UTF-8 .csv
hotline-import-column-missing = The column “{ $column }” is missing
hotline-import-too-many = One file may hold at most { $max } cases; import them in several files
hotline-row-required = “{ $column }” is empty
hotline-row-repeated = Case number { $id } repeats row { $first }
hotline-row-bad-time = “{ $column }” is not a valid time: { $value } (write 2026-12-01 09:30 or 2026/12/01)
hotline-row-no-service = No community category matches “{ $value }”: name one of the community's categories in the column 社区分类
hotline-import-done = { $rows } cases: { $created } new, { $existing } already here (a case number is imported once)
hotline-import-nothing-new = { $rows } cases, all imported before: nothing new was created
hotline-import-refused = The file was not imported (not a single case): correct these rows and upload it again:
hotline-import-row = Row { $row }: { $reason }
hotline-col-external-id = Case number
hotline-col-category = Hotline category
hotline-col-received = Received
hotline-col-status = Status
hotline-col-result = Result
hotline-col-resolved = Resolved at
hotline-col-agency = Handled by
hotline-col-satisfaction = Follow-up satisfaction
hotline-col-deadline = Deadline
hotline-col-overdue = Overdue
hotline-col-days = Days taken
hub-hotline-exported = Exported the results of { $count } cases to { $path }
hub-hotline-bad-since = Invalid date “{ $value }”; write it as 2026-12-01
