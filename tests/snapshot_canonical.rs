//! The same data gives the same numbers to the last bit, whatever order its edges and
//! interactions are listed in (a CSV folder in file order, the store in key and
//! recording order).

use guanxi::analysis::{Params, Report};
use guanxi::graph::Snapshot;
use guanxi::synth::{generate, Preset};

#[test]
fn edge_and_interaction_order_do_not_change_a_single_bit_of_the_report() {
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
    shuffled.interactions.reverse();
    shuffled
        .interactions
        .rotate_left(net.interactions.len() / 3);
    assert_ne!(net.edges, shuffled.edges);
    assert!(!net.interactions.is_empty());
    assert_ne!(net.interactions, shuffled.interactions);
    let as_of = "2025-06-30".parse().unwrap();
    let a = Report::compute(&Snapshot::from_network(&net), &Params::default(), as_of);
    let b = Report::compute(
        &Snapshot::from_network(&shuffled),
        &Params::default(),
        as_of,
    );
    assert_eq!(a.to_json(), b.to_json());
}
