//! The typed relationship model: ids, nodes, edges and validated scores.
//!
//! This is the lowest layer of guanxi. It knows nothing about storage or analysis; it
//! only says what a valid relationship network is made of (SPEC §3):
//!
//! * four node types — [`Account`], [`Person`], [`Employee`], [`Project`] — each with its
//!   own dense numeric id space ([`AccountId`], [`PersonId`], …) plus the CRM's
//!   *external id* (unique within the node type) and a name;
//! * nine edge types ([`EdgeKind`]), each with fixed end types and typed attributes,
//!   represented by the [`Edge`] enum;
//! * validated values: [`Score`] (a finite number in `[0, 1]`), [`Amount`] (finite,
//!   `≥ 0`), [`Day`] (a calendar date), and the spec's vocabularies [`Role`], [`Stage`]
//!   and [`AccountKind`], parsed from their lowercase names.
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
mod network;
mod node;
mod value;

pub use edge::{Edge, EdgeAttrs, EdgeKey, EdgeKind, Member, OwnsTarget, Tie};
pub use error::ModelError;
pub use ids::{AccountId, EmployeeId, NodeKind, NodeRef, PersonId, ProjectId};
pub use network::{Network, NetworkError};
pub use node::{Account, Employee, Node, NodeView, Person, Project};
pub use value::{AccountKind, Amount, Day, Role, Score, Stage};
