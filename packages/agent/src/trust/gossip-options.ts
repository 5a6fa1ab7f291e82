/**
 * Gossipsub settings for trust records. Records sign themselves, so
 * gossip messages carry no libp2p signature (StrictNoSign) and the message
 * id is the hash of the envelope: any cell can relay anyone's record, and
 * the same record arriving twice collapses into one.
 *
 * Peer scoring is on. An invalid record costs its sender heavily on that
 * topic (invalidMessageDeliveries), so a peer that sends forged or
 * malformed records sinks below the graylist threshold and is ignored;
 * directly trusted cells get a bonus through the application score.
 */
import { createHash } from 'node:crypto'
import { SCORE_THRESHOLDS, TRUST_TOPICS } from './constants.ts'
import type { GossipsubOpts } from '@libp2p/gossipsub'

function topicScore (): Record<string, unknown> {
  return {
    topicWeight: 1,
    timeInMeshWeight: 0.01,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 100,
    firstMessageDeliveriesWeight: 1,
    firstMessageDeliveriesDecay: 0.9,
    firstMessageDeliveriesCap: 50,
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0.9,
    meshMessageDeliveriesCap: 1,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesWindow: 10,
    meshMessageDeliveriesActivation: 1000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0.9,
    // Each rejected record counts squared times this weight: four forged
    // records put a peer at -80, the graylist threshold.
    invalidMessageDeliveriesWeight: -5,
    invalidMessageDeliveriesDecay: 0.99
  }
}

export function trustGossipOptions (appScore: (peerId: string) => number): Partial<GossipsubOpts> {
  return {
    globalSignaturePolicy: 'StrictNoSign',
    msgIdFn: message => createHash('sha256').update(message.data).digest(),
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    scoreParams: {
      topics: Object.fromEntries(TRUST_TOPICS.map(topic => [topic, topicScore()])) as any,
      appSpecificScore: appScore,
      appSpecificWeight: 1,
      IPColocationFactorWeight: 0,
      behaviourPenaltyWeight: -1,
      behaviourPenaltyDecay: 0.9,
      decayInterval: 1000,
      decayToZero: 0.01
    },
    scoreThresholds: SCORE_THRESHOLDS
  }
}
