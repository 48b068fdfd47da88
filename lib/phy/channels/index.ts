/**
 * Channel models, all in the library convention h: [batch, K users, M antennas] complex (y = H x), or
 * [...batchShape, K, M] with the `batchShape` option (e.g. per subcarrier):
 * i.i.d. Rayleigh, pure LoS ULA (GNN paper eq. 10), clustered mmWave (MSER paper eq. 3, [..., K, N_r, N_t]),
 * imperfect CSI (MSER §VI), a LoS/NLoS geometric stand-in for QuaDRiGa Berlin UMa (NNO-C2PO §IV-B),
 * and loaders for channel sets stored as .mat / .npy / .json.
 */
export { rayleigh } from './rayleigh';
export type { RayleighOptions } from './rayleigh';
export { ulaSteering, ulaPhaseStep, superposePaths } from './ula';
export type { UlaOptions, AngleReference, PathSet } from './ula';
export { losChannel, losResponse } from './los';
export type { LosOptions, LosChannel, LosAngleMode } from './los';
export { clusteredChannel, squeezeRx, angleOffsets } from './clustered';
export type { ClusteredOptions, ClusteredChannel, RayAngleLaw } from './clustered';
export { imperfectCsi } from './csiError';
export type { CsiGiven, ImperfectCsi } from './csiError';
export { geometricChannel, geometricScenario } from './geometric';
export type { GeometricScenario, GeometricChannel, PropagationCondition, ChannelNormalisation } from './geometric';
export { loadChannels, loadChannelsAsync, saveChannelsJson, CHANNEL_LAYOUTS } from './files';
export type { ChannelLayout, ChannelFileFormat, ChannelFileOptions, ChannelFileMeta, LoadedChannels } from './files';
