"""Records: every analysis result as JSON with its provenance (inputs hash, options, seed,
version), so that anyone can check and rerun it."""

from detente.records.provenance import Provenance, inputs_hash, make_provenance

__all__ = ["Provenance", "inputs_hash", "make_provenance"]
