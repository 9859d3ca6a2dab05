"""What agreement reacts to."""

from coalition.agreement.service_layer import reactions
from coalition.shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions("agreement")
subscriptions.on("CommitmentMade")(reactions.on_commitment_made)
subscriptions.on("CommitmentWithdrawn")(reactions.on_commitment_withdrawn)
subscriptions.on("ObjectiveSet")(reactions.on_objective_set)
subscriptions.on("ObjectiveWithdrawn")(reactions.on_objective_withdrawn)
