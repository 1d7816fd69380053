//! Round trips through real images: render to PNG, decode the PNG with rqrr, then verify,
//! seal, render, decode and open — what a webcam at the counter and a phone camera do.

use formdesk_protocol::render::{qr_version_for, render_png, render_svg, EcLevel};
use formdesk_protocol::{
    open_response, seal_response, verify_request, FieldOutcome, OfficePublicKey,
};

use crate::util::{answers_for, office, request, TestRng, NOW};

/// Decodes every QR code in a PNG with rqrr.
pub fn decode_png(png: &[u8]) -> Vec<String> {
    let img = image::load_from_memory(png).expect("PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

#[test]
fn request_and_response_survive_rendering_and_scanning() {
    let (text, _, secret) = request("account-opening-kyc", &[], "img");
    let png = render_png(&text, EcLevel::M).unwrap();
    let scanned = decode_png(&png);
    assert_eq!(scanned, vec![text.clone()]);
    let req = verify_request(&scanned[0], &[office().public_key()], NOW).unwrap();
    let mut answers = answers_for(&req.body);
    answers.retain(|(k, _)| k != "tax.id");
    answers.push(("tax.id".into(), FieldOutcome::Declined));
    let resp = seal_response(&req, &answers, &mut TestRng::new("img-w")).unwrap();
    let scanned = decode_png(&render_png(&resp, EcLevel::M).unwrap());
    let opened = open_response(&scanned[0], &secret, NOW + 20).unwrap();
    let tax = opened
        .outcomes
        .iter()
        .find(|(k, _, _)| k == "tax.id")
        .unwrap();
    assert_eq!(tax.1, FieldOutcome::Declined);
    let iban = opened
        .outcomes
        .iter()
        .find(|(k, _, _)| k == "bank.iban")
        .unwrap();
    assert_eq!(iban.1, FieldOutcome::Shared("NL91ABNA0417164300".into()));
}

#[test]
fn office_key_qr_scans_back_and_svg_renders() {
    let public = office().public_key();
    let text = public.to_qr_text("Springfield City Hall");
    let scanned = decode_png(&render_png(&text, EcLevel::Q).unwrap());
    let (key, name) = OfficePublicKey::from_qr_text(&scanned[0]).unwrap();
    assert_eq!((key, name.as_str()), (public, "Springfield City Hall"));
    let svg = render_svg(&text, EcLevel::M).unwrap();
    assert!(
        svg.starts_with("<?xml") && svg.contains("<svg"),
        "{}",
        &svg[..60]
    );
    assert!(qr_version_for(&text, EcLevel::M).unwrap() <= 5);
    assert!(qr_version_for(&"A".repeat(5000), EcLevel::H).is_none());
}
