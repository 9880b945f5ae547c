//! Staff operations as plain functions, shared by the `linli-hub admin` commands and tests. Each
//! write nudges live subscribers of this process; a server in another process notices within
//! [`crate::POLL_INTERVAL`].
pub mod case_export;
pub mod community;
pub mod consultations;
pub mod demo;
pub mod devices;
pub mod dispatch;
pub mod escalation;
pub mod hotline;
pub mod hotline_export;
pub mod invites;
pub mod log;
pub mod monthly_report;
pub mod notice_desk;
pub mod notices;
pub mod open311;
pub mod proxy;
pub mod reports;
pub mod sheet;
pub mod staff;
pub mod staff_auth;
pub mod statistics;
pub mod street;
pub mod templates;
pub mod terminal;
pub mod witnesses;
