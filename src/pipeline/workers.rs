//! Scrub workers: one dedicated OS thread per core, each owning its scrub stage and decode
//! scratch, fed by a bounded channel of jobs.
//!
//! CPU-bound decoding and scanning stay off the async reactor. A job is a closure over a
//! chunk of work (e.g. a few hundred Firehose records) that runs with the worker's state
//! and sends its result back on a oneshot; a full channel is backpressure the source turns
//! into a 503. A panicking job costs its own result (the caller sees `WorkerLost`) and the
//! worker rebuilds its stage and carries on.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::stage::{ScrubStage, StageError, StageFactory};
use crate::decode::firehose::RecordScratch;
use crate::event::Event;

/// What a worker owns and lends to each job.
pub struct WorkerState {
    /// This worker's scrub stage.
    pub stage: Box<dyn ScrubStage>,
    /// Reusable decode buffers.
    pub scratch: RecordScratch,
    /// Reusable event buffer (empty between jobs).
    pub events: Vec<Event>,
}

type Job = Box<dyn FnOnce(&mut WorkerState) + Send>;

/// Why work could not be handed to the workers.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PoolError {
    /// The queue stayed full for the whole wait: backpressure.
    #[error("scrub workers are busy")]
    Busy,
    /// The pool is shut down.
    #[error("scrub workers are shut down")]
    Closed,
    /// The worker running the job panicked.
    #[error("a scrub worker failed while processing the batch")]
    WorkerLost,
}

/// A fixed set of scrub worker threads behind a bounded job queue.
pub struct WorkerPool {
    sender: Mutex<Option<mpsc::Sender<Job>>>,
    handles: Mutex<Vec<JoinHandle<()>>>,
    enqueue_wait: Duration,
    workers: usize,
}

impl WorkerPool {
    /// Starts `workers` threads (at least one), each with a stage from `factory`; `queue`
    /// jobs may wait; a full queue makes [`WorkerPool::submit`] wait up to `enqueue_wait`.
    pub fn start(
        workers: usize,
        queue: usize,
        enqueue_wait: Duration,
        factory: StageFactory,
    ) -> Result<Self, StageError> {
        let workers = workers.max(1);
        let (sender, receiver) = mpsc::channel::<Job>(queue.max(1));
        let receiver = Arc::new(Mutex::new(receiver));
        let mut handles = Vec::with_capacity(workers);
        for index in 0..workers {
            let stage = factory()?;
            let receiver = Arc::clone(&receiver);
            let factory = Arc::clone(&factory);
            let handle = std::thread::Builder::new()
                .name(format!("phiscrub-scrub-{index}"))
                .spawn(move || worker_loop(stage, &receiver, &factory))
                .map_err(|e| StageError::Build(format!("cannot spawn worker thread: {e}")))?;
            handles.push(handle);
        }
        Ok(Self {
            sender: Mutex::new(Some(sender)),
            handles: Mutex::new(handles),
            enqueue_wait,
            workers,
        })
    }

    /// One worker per available core.
    pub fn default_workers() -> usize {
        std::thread::available_parallelism().map_or(1, usize::from)
    }

    /// How many worker threads run.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Queues `job`; resolves once it is queued (not run) and returns where its result will
    /// arrive. Submitting every chunk first and then awaiting the receivers lets the
    /// workers run a request's chunks in parallel.
    pub async fn submit<R, F>(&self, job: F) -> Result<Pending<R>, PoolError>
    where
        R: Send + 'static,
        F: FnOnce(&mut WorkerState) -> R + Send + 'static,
    {
        let sender = self
            .sender
            .lock()
            .map_err(|_| PoolError::Closed)?
            .clone()
            .ok_or(PoolError::Closed)?;
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |state| {
            let _ = tx.send(job(state));
        });
        match tokio::time::timeout(self.enqueue_wait, sender.send(job)).await {
            Ok(Ok(())) => Ok(Pending(rx)),
            Ok(Err(_)) => Err(PoolError::Closed),
            Err(_) => Err(PoolError::Busy),
        }
    }

    /// Queues `job` and waits for its result.
    pub async fn run<R, F>(&self, job: F) -> Result<R, PoolError>
    where
        R: Send + 'static,
        F: FnOnce(&mut WorkerState) -> R + Send + 'static,
    {
        self.submit(job).await?.result().await
    }

    /// Stops taking jobs, lets queued jobs finish, and joins the threads.
    pub fn shutdown(&self) {
        if let Ok(mut sender) = self.sender.lock() {
            sender.take();
        }
        let handles = match self.handles.lock() {
            Ok(mut handles) => std::mem::take(&mut *handles),
            Err(_) => return,
        };
        for handle in handles {
            let _ = handle.join();
        }
    }
}

impl Drop for WorkerPool {
    fn drop(&mut self) {
        if let Ok(mut sender) = self.sender.lock() {
            sender.take();
        }
    }
}

/// A queued job's result, to be awaited.
pub struct Pending<R>(oneshot::Receiver<R>);

impl<R> Pending<R> {
    /// Waits for the job to finish.
    pub async fn result(self) -> Result<R, PoolError> {
        self.0.await.map_err(|_| PoolError::WorkerLost)
    }
}

fn worker_loop(
    stage: Box<dyn ScrubStage>,
    receiver: &Mutex<mpsc::Receiver<Job>>,
    factory: &StageFactory,
) {
    let mut state = WorkerState {
        stage,
        scratch: RecordScratch::default(),
        events: Vec::new(),
    };
    loop {
        // Holding the lock while blocked is fine: only one idle worker can take the next
        // job anyway, and the others queue on the mutex instead of the channel.
        let job = match receiver.lock() {
            Ok(mut rx) => rx.blocking_recv(),
            Err(_) => None,
        };
        let Some(job) = job else { return };
        if catch_unwind(AssertUnwindSafe(|| job(&mut state))).is_err() {
            tracing::error!("a scrub job panicked; rebuilding the worker's stage");
            state.events.clear();
            match factory() {
                Ok(stage) => state.stage = stage,
                Err(err) => {
                    tracing::error!(error = %err, "cannot rebuild the scrub stage; worker stops");
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::event::EventMeta;

    struct Upper;
    impl ScrubStage for Upper {
        fn scrub(&mut self, event: &Event) -> Result<Bytes, StageError> {
            Ok(Bytes::from(event.message.to_ascii_uppercase()))
        }
    }

    fn pool(workers: usize, queue: usize) -> WorkerPool {
        WorkerPool::start(
            workers,
            queue,
            Duration::from_millis(50),
            Arc::new(|| Ok(Box::new(Upper) as Box<dyn ScrubStage>)),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn jobs_run_on_workers_with_their_stage() {
        let pool = pool(2, 4);
        let out = pool
            .run(|state| {
                let event = Event::new("abc", EventMeta::default());
                state.stage.scrub(&event).unwrap()
            })
            .await
            .unwrap();
        assert_eq!(&out[..], b"ABC");
        pool.shutdown();
    }

    #[tokio::test]
    async fn a_full_queue_is_busy_not_unbounded() {
        let pool = pool(1, 1);
        let (block_tx, block_rx) = std::sync::mpsc::channel::<()>();
        let first = pool
            .submit(move |_| {
                let _ = block_rx.recv();
            })
            .await
            .unwrap();
        // Give the worker time to take the first job, then fill the queue.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _second = pool.submit(|_| ()).await.unwrap();
        let third = pool.submit(|_| ()).await;
        assert!(matches!(third, Err(PoolError::Busy)));
        block_tx.send(()).unwrap();
        first.result().await.unwrap();
        pool.shutdown();
    }

    #[tokio::test]
    async fn a_panicking_job_loses_only_its_result() {
        let pool = pool(1, 4);
        let lost = pool.run(|_| -> u8 { panic!("boom") }).await;
        assert!(matches!(lost, Err(PoolError::WorkerLost)));
        assert_eq!(pool.run(|_| 7).await.unwrap(), 7);
        pool.shutdown();
    }
}
