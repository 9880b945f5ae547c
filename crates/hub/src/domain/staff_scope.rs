//! Who in the office may see and do what: the one place the console's and the admin commands' access
//! rules live. A staff member's [`Scope`] decides which reports they see at all (a report outside it
//! answers as an unknown one, so its existence is not revealed) and which actions they may take on a
//! report they do see.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A staff member's role in the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// 主任/书记: everything in the community.
    Head,
    /// 网格员: the reports from the buildings of their grid.
    Grid,
    /// 承办单位 (物业, a street department): only the reports dispatched to it.
    Unit,
    /// 数据专员: the access log, and no report.
    Data,
    /// 街道: every community of the street, read only.
    Street,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Head => "head",
            StaffRole::Grid => "grid",
            StaffRole::Unit => "unit",
            StaffRole::Data => "data",
            StaffRole::Street => "street",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "head" => StaffRole::Head,
            "grid" => StaffRole::Grid,
            "unit" => StaffRole::Unit,
            "data" => StaffRole::Data,
            "street" => StaffRole::Street,
            _ => return None,
        })
    }

    /// The community's time limits (办理时限) are its heads' to set.
    pub fn sets_time_limits(self) -> bool {
        self == StaffRole::Head
    }

    /// Notices (通知公告): the community's head publishes and retracts its notices; street staff
    /// publish and retract street-wide ones (to every community of the street).
    pub fn publishes_notices(self) -> bool {
        matches!(self, StaffRole::Head | StaffRole::Street)
    }

    /// The notice list with its read counts (per building of a grid worker's grid for them).
    pub fn reads_notices(self) -> bool {
        matches!(self, StaffRole::Head | StaffRole::Grid | StaffRole::Street)
    }

    /// The door-knock list (敲门名单) and recording its calls and visits: the head for the
    /// community, a grid worker for their grid.
    pub fn knocks_doors(self) -> bool {
        matches!(self, StaffRole::Head | StaffRole::Grid)
    }

    /// Consultations: the head creates and closes them and hands the auditor the openings.
    pub fn runs_consultations(self) -> bool {
        self == StaffRole::Head
    }

    /// Consultations' turnout and results: the head, grid workers and the street read them.
    pub fn reads_consultations(self) -> bool {
        matches!(self, StaffRole::Head | StaffRole::Grid | StaffRole::Street)
    }

    /// Whether a report may be dispatched to a staff member of this role.
    pub fn takes_dispatch(self) -> bool {
        matches!(self, StaffRole::Grid | StaffRole::Unit)
    }
}

/// What the scope rules need to know about one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFacts {
    pub community_id: Uuid,
    pub street_id: Option<Uuid>,
    pub building_id: Uuid,
    pub assignee: Option<Uuid>,
}

/// Something a staff member does to a report they can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Accept / progress / resolve / reject.
    SetStatus,
    Dispatch,
    /// 签收 or 退回: only the assignee.
    Sign,
    Note,
}

/// A staff member's reach, loaded once per request from their account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub staff_id: Uuid,
    pub role: StaffRole,
    pub community_id: Uuid,
    /// The street of the staff member's community (for street staff).
    pub street_id: Option<Uuid>,
    /// The buildings of a grid worker's grid.
    pub buildings: Vec<Uuid>,
    /// Set for a data officer, whatever their role (the older accounts' flag).
    pub data_officer: bool,
}

impl Scope {
    /// Whether the report is visible at all.
    pub fn sees(&self, r: &ReportFacts) -> bool {
        match self.role {
            StaffRole::Head => r.community_id == self.community_id,
            StaffRole::Grid => {
                r.community_id == self.community_id
                    && (self.buildings.contains(&r.building_id)
                        || r.assignee == Some(self.staff_id))
            }
            StaffRole::Unit => {
                r.community_id == self.community_id && r.assignee == Some(self.staff_id)
            }
            StaffRole::Data => false,
            StaffRole::Street => self.street_id.is_some() && r.street_id == self.street_id,
        }
    }

    /// Whether the action is allowed on a report this scope sees.
    pub fn may(&self, action: Action, r: &ReportFacts) -> bool {
        if !self.sees(r) {
            return false;
        }
        let assigned = r.assignee == Some(self.staff_id);
        match (self.role, action) {
            (StaffRole::Street | StaffRole::Data, _) => false,
            (_, Action::Sign) => assigned,
            (StaffRole::Head | StaffRole::Grid, _) => true,
            (StaffRole::Unit, Action::SetStatus | Action::Note) => true,
            (StaffRole::Unit, Action::Dispatch) => false,
        }
    }

    /// The access log is the data officer's.
    pub fn reads_access_log(&self) -> bool {
        self.data_officer || self.role == StaffRole::Data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(community: Uuid, building: Uuid, assignee: Option<Uuid>) -> ReportFacts {
        ReportFacts {
            community_id: community,
            street_id: Some(Uuid::nil()),
            building_id: building,
            assignee,
        }
    }

    fn scope(role: StaffRole, community: Uuid, buildings: Vec<Uuid>) -> Scope {
        Scope {
            staff_id: Uuid::now_v7(),
            role,
            community_id: community,
            street_id: Some(Uuid::nil()),
            buildings,
            data_officer: false,
        }
    }

    #[test]
    fn each_role_sees_its_own_reach_and_no_more() {
        let (c, other_c) = (Uuid::now_v7(), Uuid::now_v7());
        let (b1, b2) = (Uuid::now_v7(), Uuid::now_v7());
        let head = scope(StaffRole::Head, c, vec![]);
        let grid = scope(StaffRole::Grid, c, vec![b1]);
        let unit = scope(StaffRole::Unit, c, vec![]);
        let street = scope(StaffRole::Street, c, vec![]);
        let data = scope(StaffRole::Data, c, vec![]);
        let in_b1 = facts(c, b1, None);
        let in_b2 = facts(c, b2, None);
        let elsewhere = facts(other_c, b1, None);
        let to_unit = facts(c, b2, Some(unit.staff_id));
        assert!(head.sees(&in_b2) && !head.sees(&elsewhere));
        assert!(grid.sees(&in_b1) && !grid.sees(&in_b2));
        assert!(!unit.sees(&in_b1) && unit.sees(&to_unit));
        assert!(street.sees(&elsewhere) && !street.may(Action::SetStatus, &elsewhere));
        assert!(!data.sees(&in_b1) && data.reads_access_log());
        assert!(unit.may(Action::Sign, &to_unit) && !unit.may(Action::Dispatch, &to_unit));
        assert!(!head.may(Action::Sign, &to_unit) && head.may(Action::Dispatch, &to_unit));
    }
}
