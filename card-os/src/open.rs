//! Creating a card into a new store and reopening it from a store.

use crate::app::Application;
use crate::card::{Card, Installed};
use crate::error::{Error, Result};
use crate::persist;
use crate::platform::Platform;
use crate::store::{Change, Store};

/// Rebuilds application implementations from their persisted kind and parameters.
/// The `applets` crate implements it for the applications it provides.
pub trait AppFactory {
    /// A new instance of application `kind` configured by `params`.
    fn create(&self, kind: &str, params: &[u8]) -> Result<Box<dyn Application>>;
}

impl Card {
    /// Writes a freshly built card into an empty store as one commit and returns it.
    pub fn create(card_without_store: Card, mut store: Box<dyn Store>) -> Result<Card> {
        if !store.load()?.is_empty() {
            return Err(Error::Store("the store already holds a card".into()));
        }
        let mut card = card_without_store;
        let records = persist::snapshot(&card);
        store.commit(
            &records
                .into_iter()
                .map(|(k, v)| Change::Put(k, v))
                .collect::<Vec<_>>(),
        )?;
        card.store = store;
        Ok(card)
    }

    /// Opens the card a store holds.
    pub fn open(
        factory: &dyn AppFactory,
        platform: Box<dyn Platform>,
        mut store: Box<dyn Store>,
    ) -> Result<Card> {
        let records = store.load()?;
        if records.is_empty() {
            return Err(Error::Store("the store holds no card".into()));
        }
        let loaded = persist::load(&records)?;
        let mut apps = Vec::with_capacity(loaded.apps.len());
        for a in loaded.apps {
            apps.push(Installed {
                app: factory.create(&a.kind, &a.params)?,
                kind: a.kind,
                params: a.params,
                aid: a.aid,
                adf: a.adf,
                state: a.state,
            });
        }
        Ok(Card::from_parts(
            loaded.fs,
            loaded.pins,
            apps,
            loaded.atr,
            platform,
            store,
        ))
    }

    /// The persistent state as records, as a store would hold them after the last
    /// commit (for verification).
    pub fn snapshot(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        persist::snapshot(self)
    }
}
