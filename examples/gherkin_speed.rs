//! Benchmark: parsing time of generated Danish feature files of 1, 2, 4 and 8 MB.
//!
//!     cargo run --release --example gherkin_speed [-- --old]
//!
//! Prints the time sp-contract's parser (src/gherkin) takes per size; it must grow linearly.
//! `--old` also times the crates.io gherkin 0.16 parser it replaced (quadratic: slow).

use std::time::Instant;

#[path = "../src/gherkin/sample.rs"]
mod sample;
use sample::big_feature;

fn main() {
    let old = std::env::args().any(|a| a == "--old");
    for mb in [1usize, 2, 4, 8] {
        let text = big_feature(mb << 20);
        let t = Instant::now();
        let f = sp_contract::gherkin::parse(&text).expect("generated feature parses");
        let ours = t.elapsed();
        print!(
            "{mb} MB ({} lines, {} scenarios): {:.1} ms",
            text.lines().count(),
            f.scenarios.len(),
            ours.as_secs_f64() * 1000.0
        );
        if old {
            let t = Instant::now();
            let g = gherkin::Feature::parse(&text, gherkin::GherkinEnv::default())
                .expect("gherkin 0.16 parses it");
            print!(
                "; gherkin 0.16: {:.1} ms ({} scenarios)",
                t.elapsed().as_secs_f64() * 1000.0,
                g.scenarios.len()
            );
        }
        println!();
    }
    let deep = "(".repeat(20_000) + "@a" + &")".repeat(20_000);
    let t = Instant::now();
    let e = deep
        .parse::<sp_contract::gherkin::tagexpr::TagOperation>()
        .unwrap_err();
    println!(
        "--tags with 20000 nested '(': {:.2} ms: {e}",
        t.elapsed().as_secs_f64() * 1000.0
    );
}
