"""Publishing: send a publish kit to a target and register the collection there. No Qt.

- ``kit.py``: the kit (manifest.json + files) and the desired state it becomes.
- ``tus.py``: a tus 1.0.0 resumable-upload client on httpx; ``retry.py``: backoff,
  Retry-After, the bandwidth cap and the speed meter.
- ``api.py``: the Series Platform API (docs/platform-api.md); ``targets.py``: the
  targets and their adapters (``folder``, ``series-api``) behind one interface.
- ``engine.py``: the durable publish engine (per-item state machine in SQLite,
  intents, diff, two uploads at once); ``recovery.py``: what a crash left behind;
  ``status.py``: events for a progress view and the stored status for badges.
- ``auth.py``: OAuth 2.0 + PKCE with a loopback redirect, the per-run token source;
  ``credentials.py``: tokens in the system keyring only.
- ``errors.py``: the kinds of :class:`~studio.sync.errors.SyncError`.

The SQL lives in :mod:`studio.store.sync_state` (tables of migration 0002).
"""
