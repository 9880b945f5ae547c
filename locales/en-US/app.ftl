# Text on the resident app's screens.
app-title = Linli
skip-to-content = Skip to content
loading = Loading…
back = Back
next = Next
cancel = Cancel
pending = Waiting to sync
nav-label = Main sections
nav-home = Home
nav-notices = Notices
nav-report = Report
nav-reports = My reports
nav-consultations = Consultations
nav-settings = Settings

sync-unknown = Reading sync state
sync-done = All synced
sync-pending = { $count ->
    [one] 1 change waiting
   *[other] { $count } changes waiting
}
sync-syncing = Syncing
sync-offline = { $count ->
    [one] Offline, 1 change waiting
   *[other] Offline, { $count } changes waiting
}
sync-error = { $count ->
    [one] Sync problem, 1 change waiting
   *[other] Sync problem, { $count } changes waiting
}
sync-now = Sync now

time-closed = Closed
time-left-days = { $count ->
    [one] 1 day left
   *[other] { $count } days left
}
time-left-hours = { $count ->
    [one] 1 hour left
   *[other] { $count } hours left
}
time-left-minutes = { $count ->
    [one] 1 minute left
   *[other] { $count } minutes left
}

messages-label = Messages for you
message-dismiss = Got it

join-title = Join your community
join-intro = Enter the invitation code the community office gave you.
join-code = Invitation code
join-code-help = 8 letters, like ABCD-EFGH; upper or lower case.
join-code-missing = Please enter the invitation code first
join-hub = Community service address
join-submit = Join
join-busy = Joining…

# Joining from a printed slip: linli://join?hub=…&code=… links (QR code)
join-link-filled = The invitation code and the community service address are filled in from the slip's link. Check them, then press "Join".
join-link-refused-foreign = This link is not a Linli join link, so it was not used. Scan the QR code on the office's invitation slip, or type the invitation code.
join-link-refused-bad_hub = The community service address in this join link is wrong (it should start with http:// or https://), so the link was not used. Type the address and the invitation code from the slip.
join-link-refused-bad_code = The invitation code in this join link is wrong (it should be 8 letters or digits, like ABCD-EFGH), so the link was not used. Type the invitation code from the slip.
join-link-already-joined = This device has already joined a community, so the join link was not used.
join-link-dismiss = OK

home-urgent = Urgent notices
home-unread-before = You have
home-unread-after = unread notices
home-see-notices = See all notices
home-open-consultations = Open consultations
home-my-reports = My reports
home-open-reports = Reports in progress: { $count }
home-report-awaiting = Resolved, please rate: { $text }
home-office = Community office
home-office-hours = Office hours

urgency-normal = Normal
urgency-important = Important
urgency-urgent = Urgent
notice-pinned = Pinned
notice-unread = Unread
notices-empty = No notices yet.
notice-attachments = Attachments

report-title = Report an issue
report-step = Step { $step } of { $total }
report-q-category = What kind of problem is it?
report-q-text = Tell us what happened
report-q-address = Where is it?
report-no-categories = No categories yet; please sync first.
report-photos = Photos (optional, up to 9)
report-photos-help = Photos are made smaller and lose their location and camera details before they are sent.
report-photos-max = At most 9 photos
report-photo-remove = Remove this photo
report-photo-count = { $count ->
    [one] 1 photo
   *[other] { $count } photos
}
report-photo-alt = Photo of the report
report-photo-loading = Loading photo
report-need-category = Please choose a category first
report-need-text = Please write a few words about it
report-need-address = Please choose a building or describe the place
address-building = Building
address-unit = Unit
address-room = Room
address-choose = Choose
address-text = Exact place (optional)
report-review = Please check before sending
report-review-category = Category
report-review-text = What happened
report-review-address = Place
report-review-photos = Photos
report-submit = Send
report-saved = Sent. The office will look at it soon.
report-saved-offline = Saved; it will be sent when you are online
report-see-it = See this report
report-another = Report another
reports-empty = You have not reported anything yet.

status-submitted = Submitted
status-accepted = Accepted
status-in_progress = In progress
status-resolved = Resolved
status-rejected = Declined
status-withdrawn = Withdrawn
actor-resident = Resident
actor-staff = Community staff
actor-proxy = Relative acting for you
event-submitted = Report sent
event-status = Status update
event-comment = Comment
event-withdrawn = Report withdrawn
event-rated = Rating
event-reopened = Reopened
satisfaction-satisfied = Satisfied
satisfaction-basic = Mostly satisfied
satisfaction-unsatisfied = Not satisfied
report-reply = Office reply
report-timeline = History
report-handling-signed = signed for
report-rate-q = Are you satisfied with the result?
report-rate-comment = Anything to add (optional)
report-rated = Thank you for your rating
report-reopen = Reopen
report-reopened = Reopened; the office will continue
report-comment = Comment
report-comment-send = Send comment
report-commented = Comment saved
report-withdraw = Withdraw this report
report-withdrawn = Withdrawn

consultations-empty = No consultations yet.
consultations-none-open = No consultation is open right now.
consultation-status-open = Open
consultation-status-closed = Closed
consultation-status-upcoming = Not open yet
consultation-voted = Voted
consultation-closes = Closes: { $when }
vote-pick-one = Choose one
vote-pick-many = Choose up to { $max }
vote-submit = Vote
vote-change = Change my vote
vote-saved = Your vote is saved
vote-mine = My choice
vote-choose-first = Please choose first
vote-too-many = You can choose at most { $max }
results = Results
results-total = { $count ->
    [one] 1 vote in all
   *[other] { $count } votes in all
}
results-votes = { $count ->
    [one] 1 vote
   *[other] { $count } votes
}
results-after-close = Results are shown when voting has closed.

settings-language = Language
settings-text-size = Text size
text-size-1 = Small
text-size-2 = Standard
text-size-3 = Large
text-size-4 = Extra large
settings-device = This device
settings-household = My home
settings-community = Community
settings-version = Version
settings-sign-out = Sign out and clear this device
settings-sign-out-confirm = Signing out deletes this device's data and sign-in, including changes not yet synced. Are you sure?
settings-sign-out-yes = Yes, sign out

## Care mode (large text, big buttons, fewer choices, read aloud)
care-choice-title = Welcome to Linli
care-choice-question = How would you like Linli to look? You can change this at any time on the home screen or in settings.
care-choice-on = Large text (care mode)
care-choice-on-help = Large text, big buttons, fewer choices, read aloud
care-choice-off = Standard
care-choice-off-help = Every feature, regular text size
care-mode = Care mode
care-mode-help = Larger text, bigger buttons, fewer choices; notices and progress can be read aloud.
care-switch-on = Switch to large text (care mode)
care-switch-off = Leave care mode
care-nav-reports = My reports
care-action-notices = Read notices
care-action-report = Report a problem
care-action-report-note = Take a photo and tell the office
care-action-vote = Vote
care-action-call = Call the community office
care-unread-count = { $count ->
    [0] No unread notices
    [one] 1 notice not read yet
   *[other] { $count } notices not read yet
  }
care-urgent-count = { $count ->
    [one] 1 urgent notice
   *[other] { $count } urgent notices
  }
care-open-count = { $count ->
    [0] No vote at the moment
    [one] 1 vote open
   *[other] { $count } votes open
  }
read-aloud = Read aloud
read-aloud-stop = Stop reading
vote-confirm-question = You chose: { $choice }. Cast this vote?
vote-confirm-yes = Yes, cast my vote
vote-confirm-no = Go back and change
report-q-photos = Would you like to add a photo? You don't have to: just press "Next".
report-place-home = At my home
report-place-elsewhere = Somewhere else

## Verifiable records (transparency log)
results-verified = Verifiable
results-verified-at = This result is in the community's public record (checked at record { $size }) and can't be changed quietly afterwards.
log-title = Verifiable records
log-help = Your votes and the progress of your reports are kept in the community's public record. This device checks it at every sync; nobody can quietly change or delete them afterwards.
log-failed = The check failed; please contact the office:
log-witnesses = Witnesses
log-witnesses-policy = { $quorum } of { $count } witnesses must confirm
log-receipts = Receipts checked
log-receipts-count = { $verified } of { $held } receipts checked
log-checkpoint = Latest record checked
log-checkpoint-size = { $size } records in all
log-key = The community record's public key

## Proxies (亲友代办)
nav-proxies = Proxies
proxy-title = Relatives acting for you
proxy-intro = A relative can read notices, report problems and vote for you. You decide what and for how long, and can take it back at any time; you see everything they do.
proxy-open = Manage proxies
proxy-act-for = Acting for
proxy-act-for-button = Act for { $who }
proxy-acting-now = Acting for { $who }
proxy-acting-stop = Back to my own account
proxy-until = until { $when }
proxy-scope-read_notices = Read notices
proxy-scope-report = Report problems
proxy-scope-vote = Vote
proxy-invite-title = Ask a relative to act for you
proxy-invite-scopes = Allow my relative to
proxy-invite-button = Make a proxy code
proxy-invite-code-intro = Give this code to your relative to type into their Linli:
proxy-invite-code-help = It works once, until { $when }.
proxy-choose-scope = Please choose at least one
proxy-accept-title = Act for a relative
proxy-accept-code = The proxy code your relative gave you
proxy-accept-name = Your name as they will see it (e.g. "daughter Fang")
proxy-accept-button = Accept
proxy-code-missing = Please type the proxy code
proxy-accepted = Accepted: choose your relative under "Acting for"
proxy-grants-title = Proxies
proxy-none = No proxies yet
proxy-for-me = { $who } acts for me
proxy-i-act-for = I act for { $who }
proxy-status-active = Active
proxy-status-revoked = Taken back
proxy-status-given_up = Given up
proxy-status-expired = Expired
proxy-revoke = Take back
proxy-give-up = Stop acting
proxy-revoked = Taken back
proxy-given-up = Given up
proxy-activity-title = Done for me
proxy-activity-none = Nobody has acted for you yet

# A street-wide notice (街道通知): who sent it
notice-from-street = From { $street }

# Phone conventions: the bottom tab bar, "Me", the progress stepper and the photo viewer.
nav-me = Me
tab-notices = Notices
tab-consultations = Votes
me-title = Me
me-household = My home: { $address }
report-progress = Progress
report-progress-step = Step { $n } of { $total }
report-step-done = done
report-step-current = now
report-step-todo = not yet
report-rejected-reason = Reason: { $reason }
report-handler = Handled by { $unit }
report-promised = Promised by { $date }
report-photo-n = Photo { $n } of { $total }
report-photo-open = Open photo { $n } of { $total } full screen
viewer-label = Photo viewer
viewer-close = Close
viewer-prev = Previous
viewer-next = Next
