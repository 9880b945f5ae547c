//! The replica's community, household, categories and address book: small tables replaced wholesale by pulls.
use crate::CoreError;
use linli_proto::{Building, Category, Community, Household};
use rusqlite::{Connection, OptionalExtension};

pub fn put_community(conn: &Connection, c: &Community) -> Result<(), CoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO community (slot, json) VALUES (1, ?1)",
        [serde_json::to_string(c)?],
    )?;
    Ok(())
}

pub fn community(conn: &Connection) -> Result<Option<Community>, CoreError> {
    let json: Option<String> = conn
        .query_row("SELECT json FROM community WHERE slot = 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

pub fn put_household(conn: &Connection, h: &Household) -> Result<(), CoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO household (slot, json) VALUES (1, ?1)",
        [serde_json::to_string(h)?],
    )?;
    Ok(())
}

pub fn household(conn: &Connection) -> Result<Option<Household>, CoreError> {
    let json: Option<String> = conn
        .query_row("SELECT json FROM household WHERE slot = 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

pub fn put_category(conn: &Connection, c: &Category) -> Result<(), CoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO categories (key, name_zh, name_en, icon, sort) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![c.key, c.name_zh, c.name_en, c.icon, c.sort],
    )?;
    Ok(())
}

pub fn categories(conn: &Connection) -> Result<Vec<Category>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, name_zh, name_en, icon, sort FROM categories ORDER BY sort, key",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Category {
            key: r.get(0)?,
            name_zh: r.get(1)?,
            name_en: r.get(2)?,
            icon: r.get(3)?,
            sort: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn category_exists(conn: &Connection, key: &str) -> Result<bool, CoreError> {
    Ok(conn
        .query_row("SELECT 1 FROM categories WHERE key = ?1", [key], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn put_building(conn: &Connection, b: &Building) -> Result<(), CoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO buildings (id, name, json) VALUES (?1, ?2, ?3)",
        rusqlite::params![b.id.to_string(), b.name, serde_json::to_string(b)?],
    )?;
    Ok(())
}

pub fn buildings(conn: &Connection) -> Result<Vec<Building>, CoreError> {
    let mut stmt = conn.prepare_cached("SELECT json FROM buildings ORDER BY name")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}

pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute_batch(
        "DELETE FROM community; DELETE FROM household; DELETE FROM categories; DELETE FROM buildings;",
    )?;
    Ok(())
}
