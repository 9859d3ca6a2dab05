"""Projections read every event of every service."""

from coalition.projections.service_layer import projector
from coalition.shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions("projections")
subscriptions.on_every_event(projector.receive)
