//! `respond REQUEST.png --out RESPONSE.png`: verify the request, decide field by field
//! (`--decline`, `--set`, the profile, or a question on a terminal), get consent (`--yes` or
//! a terminal question after comparing the matching code), seal the response QR, save new
//! values to the profile and add a history entry without values.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use formdesk_protocol::qr::RequestedField;
use formdesk_protocol::render::{render_png, EcLevel};
use formdesk_protocol::{match_code, seal_response, verify_request, FieldOutcome, VerifiedRequest};
use rand_core::OsRng;

use super::now;
use crate::home::{read_profile, save_profile, HistoryEntry, Home, Profile, SharedField};
use crate::{prompt, show};

pub struct Options {
    pub profile: PathBuf,
    pub out: PathBuf,
    pub set: Vec<String>,
    pub decline: Vec<String>,
    pub yes: bool,
}

pub fn run(home: &Home, path: &Path, opts: Options) -> Result<()> {
    let text = crate::scan::read_code(path)?;
    let req = verify_request(&text, &home.trusted_keys()?, now())?;
    let sets = parse_sets(&opts.set)?;
    check_named_keys(
        &req,
        sets.iter()
            .map(|(k, _)| k.as_str())
            .chain(opts.decline.iter().map(String::as_str)),
    )?;
    eprint!("{}", show::request(&req.body, "valid, trusted office key"));

    let mut profile = read_profile(&opts.profile)?;
    let mut changed = false;
    let mut answers = Vec::with_capacity(req.body.fields.len());
    for f in &req.body.fields {
        let outcome = decide(f, &opts.decline, &sets, &mut profile, &mut changed)?;
        answers.push((f.key.clone(), outcome));
    }
    consent(&req, &answers, opts.yes)?;

    let response = seal_response(&req, &answers, &mut OsRng)?;
    let png = render_png(&response, EcLevel::M)?;
    std::fs::write(&opts.out, png)
        .with_context(|| format!("cannot write {}", opts.out.display()))?;
    if changed {
        save_profile(&opts.profile, &profile)?;
    }
    record(home, &req, &answers)?;
    let shared = answers
        .iter()
        .filter(|(_, o)| matches!(o, FieldOutcome::Shared(_)))
        .count();
    println!(
        "response written to {} ({shared} of {} fields shared); show it to the desk's camera",
        opts.out.display(),
        answers.len()
    );
    Ok(())
}

fn parse_sets(sets: &[String]) -> Result<Vec<(String, String)>> {
    sets.iter()
        .map(|s| match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => bail!("--set takes key=value, got {s:?}"),
        })
        .collect()
}

/// `--set`/`--decline` may only name requested keys.
fn check_named_keys<'a>(req: &VerifiedRequest, keys: impl Iterator<Item = &'a str>) -> Result<()> {
    for k in keys {
        if !req.body.fields.iter().any(|f| f.key == k) {
            let requested = req.body.keys().join(", ");
            bail!("{k} is not requested by this form (requested: {requested})");
        }
    }
    Ok(())
}

/// The outcome for one field; new values go into `profile`.
fn decide(
    f: &RequestedField,
    decline: &[String],
    sets: &[(String, String)],
    profile: &mut Profile,
    changed: &mut bool,
) -> Result<FieldOutcome> {
    if decline.contains(&f.key) {
        return Ok(FieldOutcome::Declined);
    }
    if let Some((_, v)) = sets.iter().find(|(k, _)| *k == f.key) {
        *changed |= profile.insert(f.key.clone(), v.clone()).as_deref() != Some(v.as_str());
        return Ok(FieldOutcome::Shared(v.clone()));
    }
    if let Some(v) = profile.get(&f.key) {
        return Ok(FieldOutcome::Shared(v.clone()));
    }
    let label = show::label(&f.key, &f.label);
    if !prompt::interactive() {
        bail!(
            "no value for {label} [{}] in the profile: pass --set {}=VALUE or --decline {}",
            f.key,
            f.key,
            f.key
        );
    }
    let v = prompt::ask(&format!(
        "{label} [{}] ({}) — empty to leave it out:",
        f.key, f.purpose
    ))?;
    if v.is_empty() {
        return Ok(FieldOutcome::Unavailable);
    }
    profile.insert(f.key.clone(), v.clone());
    *changed = true;
    Ok(FieldOutcome::Shared(v))
}

fn consent(req: &VerifiedRequest, answers: &[(String, FieldOutcome)], yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !prompt::interactive() {
        bail!("consent needed: check the matching code, then pass --yes");
    }
    for (key, o) in answers {
        let what = match o {
            FieldOutcome::Shared(_) => "share",
            FieldOutcome::Declined => "declined",
            FieldOutcome::Unavailable => "not available",
        };
        eprintln!("  {what:>13}: {key}");
    }
    let q = format!(
        "Does the desk show matching code {}? Share the fields marked \"share\" with {}?",
        match_code(req),
        req.body.office_name
    );
    if !prompt::confirm(&q)? {
        bail!("nothing shared: consent refused");
    }
    Ok(())
}

fn record(home: &Home, req: &VerifiedRequest, answers: &[(String, FieldOutcome)]) -> Result<()> {
    let b = &req.body;
    let fields = b
        .fields
        .iter()
        .zip(answers)
        .map(|(f, (_, o))| SharedField {
            key: f.key.clone(),
            label: show::label(&f.key, &f.label),
            outcome: match o {
                FieldOutcome::Shared(_) => "shared",
                FieldOutcome::Declined => "declined",
                FieldOutcome::Unavailable => "unavailable",
            }
            .into(),
        })
        .collect();
    let mut history = home.history()?;
    history.retain(|e| e.request_id != b.request_id.to_hex());
    history.push(HistoryEntry {
        request_id: b.request_id.to_hex(),
        at: now(),
        office_name: b.office_name.clone(),
        office_key: req.office_key,
        desk_label: b.desk_label.clone(),
        form_id: b.form_id.clone(),
        form_title: b.form_title.clone(),
        match_code: match_code(req),
        fields,
        retention: b.retention.statement(),
        contact: b.contact.clone(),
        receipt: None,
    });
    home.save_history(&history)
}
