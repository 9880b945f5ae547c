//! Integration tests of the hub: each test starts a real hub on a random port with its own temp data
//! directory and talks to it over HTTP, or runs the `linli-hub` binary.
mod authz;
mod blobs;
mod cli;
mod concurrency;
mod dispatch;
mod errors;
mod events;
mod helpers;
mod join;
mod limits;
mod log;
mod openapi;
mod privacy;
mod proxy;
mod pull;
mod push;
mod reports;
mod staff;
mod street;
mod upgrade;
mod visibility;
mod votes;
