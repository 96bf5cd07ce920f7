"""The REST API: DRF serializers and views, one action per transition."""
