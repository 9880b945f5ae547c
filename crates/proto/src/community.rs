//! The community, its grid address book (楼栋 → 单元 → 户) and its report categories.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

/// What a resident's device shows about the community office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Community {
    pub id: Uuid,
    pub name: String,
    /// The office's phone number, shown large and dialled by `tel:`.
    pub phone: String,
    /// Office hours in plain words, e.g. "周一至周五 8:30–17:30".
    pub hours: String,
    /// The street (街道) the community belongs to, when the hub names one: shown beside street-wide
    /// notices, so a resident knows who sent them.
    #[serde(default)]
    pub street: Option<String>,
}

/// A building (楼栋) with its units (单元) and rooms (户).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Building {
    pub id: Uuid,
    /// Display name, e.g. "1号楼".
    pub name: String,
    pub units: Vec<Unit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Unit {
    /// e.g. "1单元"
    pub name: String,
    /// e.g. ["101", "102", …]
    pub rooms: Vec<String>,
}

/// A report category with names in both languages and an icon key the app maps to a picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Category {
    /// Stable key, e.g. "facilities".
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub icon: String,
    pub sort: i32,
}

/// Where a report is about: a place from the address book, free text, or both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// Free text, e.g. "小区东门垃圾站旁".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Address {
    pub fn is_empty(&self) -> bool {
        self.building.is_none() && self.unit.is_none() && self.room.is_none() && self.text.is_none()
    }
}

/// A point from the device's location, when the resident chose to share it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// The household a resident belongs to, as the hub knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Household {
    pub id: Uuid,
    pub building: String,
    pub unit: String,
    pub room: String,
}
