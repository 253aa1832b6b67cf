//! The typed relationship model: ids, nodes, edges and validated scores.
//!
//! This is the lowest layer of guanxi. It knows nothing about storage or analysis; it
//! only says what a valid relationship network is made of (§3, §8):
//!
//! * four node types — [`Account`], [`Person`], [`Employee`], [`Project`] — each with its
//!   own dense numeric id space ([`AccountId`], [`PersonId`], …) plus the CRM's
//!   *external id* (unique within the node type) and a name; an employee may have left
//!   us on a date;
//! * nine edge types ([`EdgeKind`]), each with fixed end types and typed attributes,
//!   represented by the [`Edge`] enum; a `works_at` edge carries an [`Employment`]
//!   period, so a person may change jobs;
//! * [`Interaction`]s: dated meetings, events, calls, messages and emails between an
//!   employee and a person — records, not edges, any number per pair;
//! * validated values: [`Score`] (a finite number in `[0, 1]`), [`Amount`] (finite, in
//!   `[0, 1e15]`), [`Day`] (a calendar date), and the vocabularies [`Role`], [`Stage`],
//!   [`AccountKind`] and [`InteractionKind`], parsed from their lowercase names;
//! * caps on texts: external ids of at most [`MAX_ID_BYTES`], names and titles of at most
//!   [`MAX_TEXT_BYTES`].
//!
//! Every constructor that takes outside input validates it and returns a [`ModelError`]
//! naming the bad value, so an invalid value can never reach the store.
//!
//! ```
//! use guanxi::model::{Score, Role, Stage};
//! assert_eq!(Score::new(0.75).unwrap().get(), 0.75);
//! assert!(Score::new(f64::NAN).is_err());
//! assert!(Score::new(1.5).is_err());
//! assert_eq!("approver".parse::<Role>().unwrap(), Role::Approver);
//! assert!("boss".parse::<Stage>().is_err());
//! ```

mod edge;
mod error;
mod ids;
mod interaction;
mod network;
mod node;
mod value;

pub use edge::{Edge, EdgeAttrs, EdgeKey, EdgeKind, Employment, Member, OwnsTarget, Tie};
pub use error::{check_text, ModelError, MAX_ID_BYTES, MAX_TEXT_BYTES};
pub use ids::{AccountId, EmployeeId, NodeKind, NodeRef, PersonId, ProjectId};
pub use interaction::Interaction;
pub use network::{EdgeLabel, Network, NetworkError, NodeLabel};
pub use node::{Account, Employee, Node, NodeView, Person, Project};
pub use value::{AccountKind, Amount, Day, InteractionKind, Role, Score, Stage};
