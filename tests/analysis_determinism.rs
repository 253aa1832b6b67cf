//! The report is bit-identical whatever the number of threads: every float sum runs in
//! a fixed order and parallel work only maps items into vectors.

use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use guanxi::synth::{self, Preset};

fn report_with_threads(snap: &Snapshot, threads: usize) -> Report {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| Report::compute(snap, &Params::default(), "2025-06-30".parse().unwrap()))
}

fn bits(r: &Report) -> Vec<u64> {
    let mut out = vec![r.relationship_asset.to_bits()];
    out.extend(
        r.persons
            .iter()
            .flat_map(|p| [p.closeness.to_bits(), p.influence.to_bits()]),
    );
    out.extend(
        r.accounts
            .iter()
            .flat_map(|a| [a.strength.to_bits(), a.advantage.to_bits()]),
    );
    out.extend(
        r.accounts
            .iter()
            .flat_map(|a| a.rivals.values().map(|v| v.to_bits())),
    );
    out.extend(r.projects.iter().flat_map(|x| {
        [x.consensus, x.chain_closeness, x.completeness].map(|v| v.map_or(1, f64::to_bits))
    }));
    out.extend(
        r.projects
            .iter()
            .flat_map(|x| x.coaches.iter().map(|c| c.score.to_bits())),
    );
    out.extend(r.employees.iter().flat_map(|e| {
        e.fit
            .values()
            .map(|v| v.to_bits())
            .chain([e.portfolio.to_bits()])
    }));
    out
}

#[test]
fn one_and_two_threads_give_bit_identical_reports() {
    let net = synth::generate(Preset::Small, 11);
    let snap = Snapshot::from_network(&net);
    let one = report_with_threads(&snap, 1);
    let two = report_with_threads(&snap, 2);
    assert_eq!(bits(&one), bits(&two));
    assert_eq!(one, two);
    assert_eq!(one.to_json(), two.to_json());
    assert_eq!(one.persons.len(), net.persons.len());
    assert!(one.persons.len() > 1_000);
}
