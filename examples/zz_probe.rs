use std::time::Instant;
fn main() {
    let src = sp_contract::targets::pki::IdentitySource::Pkcs12 {
        path: "certs/client.p12".into(),
        password: sp_contract::targets::pki::Secret::new("sp-contract-test".into()),
    };
    let t = Instant::now();
    let steps = sp_contract::engine::catalog().steps();
    let a0 = t.elapsed();
    let t = Instant::now();
    let _ = steps.find("jeg slår borgeren \"far\" op i CPR");
    let a1 = t.elapsed();
    let t = Instant::now();
    let _ = steps.find("borgerens navn er \"Peter Testesen\"");
    let a2 = t.elapsed();
    println!(
        "steps {a0:?} first find {a1:?} second find {a2:?} defs {}",
        steps.defs().len()
    );
    for _ in 0..3 {
        let t = Instant::now();
        let _id = sp_contract::targets::pki::load_identity(&src).unwrap();
        let a = t.elapsed();
        let t = Instant::now();
        let trust = sp_contract::targets::target::Trust {
            ca_pem: Some("certs/ca.pem".into()),
            system_roots: false,
        };
        let _c = sp_contract::client::connector::TrustContext::new(&trust).unwrap();
        let b = t.elapsed();
        let t = Instant::now();
        let trust = sp_contract::targets::target::Trust {
            ca_pem: None,
            system_roots: true,
        };
        let _c = sp_contract::client::connector::TrustContext::new(&trust).unwrap();
        let c = t.elapsed();
        println!("load_identity {a:?} trust(ca) {b:?} trust(system) {c:?}");
    }
}
