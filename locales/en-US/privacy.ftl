# The privacy notice residents read before joining and in settings. Its version is PRIVACY_NOTICE_VERSION in
# linli-proto: change the meaning of any line here and bump that number, so every device asks again.
privacy-title = Privacy notice
privacy-version = Version { $version }
privacy-intro = Linli is run by your community office. Here is, in plain words, what it keeps about you and why.
privacy-collected-title = What we keep
privacy-collected = Your home address (building, unit, room) from your invitation code; the reports you send, with their text, photos and an optional place; your comments and ratings; the votes you cast; which notices you opened; and this device's name. No ID numbers, no phone contacts. Photos are sent without their hidden data (time, place, camera).
privacy-why-title = Why
privacy-why = Only to run the community's services: to handle your reports, to count votes fairly (one per home or per resident), and to show you notices for your building.
privacy-staff-title = Who sees it
privacy-staff = Only the staff of your community office. Each time staff look at your details, and each copy of your data, is written to a log that the office's data officer checks.
privacy-device-title = Permissions
privacy-device = Linli asks for files, camera or location only when you use them. Saying no never stops the rest of the app.
privacy-rights-title = Your rights
privacy-rights = In settings you can read this notice again, download a copy of your data, and close your account.
privacy-closure-title = Closing your account
privacy-closure = Your devices' names, the link to your home address, your photos and the texts you wrote (reports, comments, ratings) are deleted immediately, your devices are signed out, and any help you gave or got from family ends. What stays, without anything that identifies you: that a report existed and how it was handled, and the totals of votes. Vote receipts in the public record are anonymous codes.
privacy-retention-title = How long
privacy-retention = Photos of a report are deleted two years after it is resolved. Everything else is kept while you are a member, and removed when you close your account.
privacy-agree = I have read this and agree
privacy-decline = Not now
privacy-changed = The privacy notice has changed. Please read it again.
privacy-required = You can join only after agreeing to the privacy notice.
privacy-agreed-on = You agreed to version { $version } on { $date }.
