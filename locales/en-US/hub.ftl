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
hub-log-key = Transparency log key (residents see it when they join): { $key }
hub-verify-ok = Log “{ $origin }” verified: { $size } leaves downloaded and the tree recomputed; { $checkpoints } signed checkpoint(s) match it (sizes { $sizes }).
hub-verify-kinds = Leaves by kind: { $kinds }
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
hub-street-set = Street set: { $name } ({ $code })
hub-street-staff-required = This command acts for the street office: say who you are with --street-staff ID (see `linli-hub admin street staff add`)
hub-street-overview-line = { $households } households, { $residents } residents, { $reports } open reports, { $consultations } live consultations
hub-street-notice-published = Street notice published to { $count } communities.
hub-staff-link = Console sign-in for staff { $staff }: open { $path } on this hub within 72 hours to set a password (the link works once)
hub-report-dispatch-step = Report { $id }: { $step ->
    [dispatched] dispatched
    [signed] signed for
    [returned] sent back
   *[noted] note added
}
hub-bad-role = Unknown role “{ $value }”; use head, grid, unit, data or street
hub-time-limit-set = Time limit set: { $days } working days
