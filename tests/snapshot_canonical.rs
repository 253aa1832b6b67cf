//! The same data gives the same numbers to the last bit, whatever order its edges are
//! listed in (a CSV folder in file order, the store in key order).

use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use guanxi::synth::{generate, Preset};

#[test]
fn edge_order_does_not_change_a_single_bit_of_the_report() {
    let net = generate(Preset::Small, 11);
    let mut shuffled = net.clone();
    shuffled.edges.reverse();
    // A deterministic interleaving as well: odd positions first.
    let (odd, even): (Vec<_>, Vec<_>) = shuffled
        .edges
        .iter()
        .enumerate()
        .partition(|(i, _)| i % 2 == 1);
    shuffled.edges = odd
        .into_iter()
        .chain(even)
        .map(|(_, e)| e.clone())
        .collect();
    assert_ne!(net.edges, shuffled.edges);
    let as_of = "2025-06-30".parse().unwrap();
    let a = Report::compute(&Snapshot::from_network(&net), &Params::default(), as_of);
    let b = Report::compute(
        &Snapshot::from_network(&shuffled),
        &Params::default(),
        as_of,
    );
    assert_eq!(a.to_json(), b.to_json());
}
