//! `GET /metrics/analytics` (fin_spin_edge::metrics): how far the projector trails
//! billing's feed — how stale every dashboard is — read from the read model's checkpoint
//! and the feed billing publishes (linked, as the projector links it).

use billing::feed::OutboxFeed;
use fin_metrics::{feed_lag, Exposition};
use fin_problem::Fault;

use crate::catch_up::ReadModel;
use crate::store::PgReadModel;

pub fn figures(db_url: &str) -> Result<Exposition, Fault> {
    let model = PgReadModel::open(db_url)?;
    let checkpoint = model.checkpoint()?.position;
    let feed = OutboxFeed::on(model.connection());
    let lag = fin_feed::lag(&feed, checkpoint, fin_spin_edge::now())?;
    Ok(Exposition::new().family(feed_lag("projector", lag)))
}
