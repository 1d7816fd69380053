mod common;
#[test]
fn dbg() {
    let img = common::frame(Some("same code"), 400, 300);
    img.save("/tmp/same.png").unwrap();
    let r = formdesk_scanner::decode(&img);
    eprintln!("same: {:?}", r.iter().map(|d| (&d.text, d.corners)).collect::<Vec<_>>());
    let img = common::frame(Some("FDA1:HELLO WORLD"), 400, 300);
    let r = formdesk_scanner::decode(&img);
    eprintln!("hello: {:?}", r.iter().map(|d| (&d.text, d.corners)).collect::<Vec<_>>());
}
