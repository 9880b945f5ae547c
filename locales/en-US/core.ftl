# What the resident core (offline cache, sync, photos, keychain) and the linli command line tell residents.

## Errors
core-error-database = Something went wrong with the data on this device; restart the app and try again
core-error-newer-database = This profile was saved by a newer Linli; please update the app
core-error-io = Could not read or write a file on this device
core-error-storage-full = This device's storage is full, so this was not saved; everything saved before is kept. Free some space and try again
core-error-corrupt = The data saved on this device cannot be read
core-error-not-joined = Not joined to a community yet; join with the invitation code from the office first
core-error-already-joined = Already joined to a community
core-error-offline = Can't reach the community service right now; check the network and try again. Everything you did is kept on this device and synced when you're online
core-error-protocol = The community service sent an answer this app doesn't understand; please update the app
core-error-keychain = Can't use the system keychain to keep your sign-in: { $detail }
core-error-photo-not-image = "{ $file }" is not a photo (JPEG, PNG or WebP only)
core-error-photo-too-large = "{ $file }" is too large (about { $mb } MB); the app can take files of up to { $max } MB
core-error-photo-heif = "{ $file }" is a HEIC/HEIF photo, which this device can't open yet. Please add it as a JPEG: on an iPhone, Settings → Camera → Formats → Most Compatible makes new photos JPEG; a photo already taken becomes a JPEG when you send it to yourself in a chat app and save it again
core-error-text-too-long = The text is too long: at most { $max } characters, and it has { $len } now
core-error-photo-too-many-pixels = "{ $file }" has too many pixels (about { $mp } megapixels); photos can have at most 120 megapixels
core-error-bad-hub-url = The community service address is not valid
core-error-insecure-hub-url = The community service address must start with https:// (unencrypted http is only allowed on this device)

## Operations the community service refused
core-rejected-create-report = Your report could not be submitted
core-rejected-comment-report = Your comment could not be submitted
core-rejected-withdraw-report = The report could not be withdrawn
core-rejected-rate-report = Your rating could not be submitted
core-rejected-reopen-report = The report could not be reopened
core-rejected-cast-vote = Your vote was not counted
core-rejected-mark-notice-read = The read mark was not synced
core-rejected-unknown-reason = The community service refused this
core-rejected-line = { $title }: { $reason }

## Sync status
core-state-idle = Up to date
core-state-syncing = Syncing…
core-state-offline = Offline
core-state-error = Sync error
core-pending = { $count ->
    [one] 1 change waiting to sync
   *[other] { $count } changes waiting to sync
}
core-last-synced = Last synced: { $at }
core-never-synced = Not synced yet

## Command line
cli-joined = Joined { $community } ({ $building } { $unit } { $room })
cli-synced = Synced: { $applied } sent, { $rejected } refused, { $pulled } updates received
cli-sync-failed = Sync failed: { $reason }
cli-still-pending = { $count } changes are kept on this device and will be sent next time
cli-report-queued = Report saved (id { $id }); it is sent when you're online
cli-done = Saved; it syncs when you're online
cli-notice-unread = unread
cli-notice-read = read
cli-pending-mark = waiting to sync
cli-urgency-normal = normal
cli-urgency-important = important
cli-urgency-urgent = URGENT
cli-status-submitted = submitted
cli-status-accepted = accepted
cli-status-in_progress = in progress
cli-status-resolved = resolved
cli-status-rejected = not accepted
cli-status-withdrawn = withdrawn
cli-consultation-open = open
cli-consultation-closed = closed
cli-consultation-upcoming = upcoming
cli-my-vote = my choice
cli-votes = { $count } votes
cli-event-submitted = submitted
cli-event-status = status update
cli-event-comment = comment
cli-event-withdrawn = withdrawn
cli-event-rated = rated
cli-event-reopened = reopened
cli-satisfaction-satisfied = satisfied
cli-satisfaction-basic = basically satisfied
cli-satisfaction-unsatisfied = unsatisfied
cli-no-items = (nothing here)
cli-bad-id = "{ $id }" is not a valid id
cli-bad-lang = Unsupported language "{ $lang }"; use zh-CN or en-US
cli-error = Error: { $message }

## Read aloud (what is said to the resident: whole sentences, no symbols or abbreviations)
read-notice = { $urgency ->
    [urgent] Urgent notice.
    [important] Important notice.
   *[normal] Notice.
  } { $title }. { $body }. Published on { $month }/{ $day }.
read-report = Your report: { $category }. { $text }. It is now { $status }.
read-report-event = On { $month }/{ $day }, { $who } { $what }{ $text }
read-who-resident = you
read-who-staff = the community office
read-who-proxy = your relative
read-event-submitted = sent the report.
read-event-status = changed the status to { $status }.
read-event-comment = left a comment.
read-event-withdrawn = withdrew the report.
read-event-rated = rated the result.
read-event-reopened = reopened the report.
read-event-said = They said: { $text }.
read-status-submitted = sent, waiting for the office to accept it
read-status-accepted = accepted by the office
read-status-in_progress = being worked on
read-status-resolved = resolved
read-status-rejected = not accepted by the office
read-status-withdrawn = withdrawn
read-consultation = Consultation: { $title }. { $description }.
read-consultation-open = Voting is open until { $month }/{ $day }.
read-consultation-upcoming = Voting has not started yet.
read-consultation-closed = Voting has closed.
read-consultation-options = The choices are: { $options }.
read-consultation-my-vote = You chose: { $options }.
read-consultation-result = { $option }, { $count } votes.
read-list-separator = ;{" "}

# Transparency log checks (shown loudly in the app, error exit in the CLI)
core-log-warning-title = Warning: the community hub's public record failed a check
core-log-key-changed = The hub now signs its public record with a different key than the one this device noted when you joined. Its records cannot be trusted; tell the community office and your neighbours.
core-log-bad-checkpoint = The hub's public record carries an invalid signature. Its records cannot be trusted right now.
core-log-rollback = The hub's public record is shorter than when this device last checked it: records were deleted.
core-log-rewritten = The hub's public record no longer matches what this device checked before: past records were changed.
core-log-receipt-missing = One of your records (a vote or a change to your report) is missing from the hub's public record.
core-log-receipt-invalid = The hub's receipt for one of your records does not match what you did.
core-log-tally-mismatch = A consultation's published result does not match its tally in the public record.
core-log-bad-cosignature = A witness's signature on the community service's public record does not verify: the record was altered and cannot be trusted for now. Please tell the community office and the supervision committee.
core-log-witnesses-differ = The community service names other witnesses than the invitation slip the office handed out, so this device did not join. Please check with the community office.
core-log-awaiting-witnesses = The witnesses (such as the supervision committee) have not yet confirmed the community service's newest public record. This device keeps the last witnessed record for now and will check again by itself.
cli-log-key-pinned = The hub's public-record key, now pinned on this device: { $key }
cli-log-none = This hub keeps no public record (it had no log key when this device joined).
cli-log-key = Public-record key (pinned at join): { $key }
cli-log-checkpoint = Last verified: { $size } records, at { $at }
cli-log-never-checked = Not verified yet.
cli-log-receipts = Your receipts found in the public record: { $verified } of { $total }
cli-verify-failed = Verification failed: { $reason }
core-proxy-act-create-report = made a report for you
core-proxy-act-comment-report = added to a report for you
core-proxy-act-withdraw-report = withdrew a report for you
core-proxy-act-rate-report = rated a report for you
core-proxy-act-reopen-report = asked to reopen a report for you
core-proxy-act-cast-vote = voted for you
core-proxy-act-mark-notice-read = read a notice for you
core-proxy-acted = { $name } { $what }
core-proxy-someone = Your proxy
cli-bad-scopes = Invalid scopes "{ $scopes }"; choose from read_notices, report, vote (comma-separated)
cli-proxy-invite = Give this code to your relative (valid 24 hours, until { $until }, once). Scopes: { $scopes }, for { $days } days.
cli-proxy-accepted = You may now act for { $address } (resident { $principal }), scopes { $scopes }, until { $until }. Use --as { $principal } to act for them.
cli-proxy-role-principal = { $name } acts for me
cli-proxy-role-proxy = I act for { $address }
cli-proxy-status-active = active
cli-proxy-status-revoked = revoked
cli-proxy-status-given-up = given up
cli-proxy-status-expired = expired
core-proxy-message-title = Authorized proxies
core-proxy-scope-read-notices = read notices
core-proxy-scope-report = report issues
core-proxy-scope-vote = vote
core-proxy-grant-principal-active = { $name } can now act for you: { $scopes }, until { $until }
core-proxy-grant-principal-revoked = { $name } can no longer act for you: the authorization was taken back
core-proxy-grant-principal-given-up = { $name } gave up acting for you
core-proxy-grant-principal-expired = { $name }'s authorization to act for you has expired
core-proxy-grant-proxy-active = You can now act for { $address }: { $scopes }, until { $until }
core-proxy-grant-proxy-revoked = Your authorization to act for { $address } was taken back
core-proxy-grant-proxy-given-up = You gave up acting for { $address }
core-proxy-grant-proxy-expired = Your authorization to act for { $address } has expired
core-proxy-act-about = { $line }: { $what }

## The hub restored from a backup
core-hub-restored-title = The community hub was restored from a backup
core-hub-restored-text = The community hub's data was restored from a backup. The changes this device kept were sent again, and the lists now show the hub's data as it is.
core-hub-restored-gap = The community hub's data was restored from a backup. The changes this device kept were sent again. Its public record went back to entry { $from }: this device had seen entries { $from } to { $to }, which are no longer in the hub's public record (what was sent again is recorded anew).
