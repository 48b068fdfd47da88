function generate(scenario, count, seed, outfile, quadriga_path, antennas, users)
%GENERATE Narrowband QuaDRiGa "Berlin UMa" channel sets for the NNO-C2PO paper notebook
%(B = 128, U = 8) and, with the optional size arguments, the same channels at other array sizes.
%
%   generate(scenario, count, seed, outfile)
%   generate(scenario, count, seed, outfile, quadriga_path)
%   generate(scenario, count, seed, outfile, quadriga_path, antennas, users)
%
%   scenario       'los' -> QuaDRiGa scenario BERLIN_UMa_LOS, 'nlos' -> BERLIN_UMa_NLOS
%   count          number of samples N (each sample is an independent drop of U users)
%   seed           RNG seed (non-negative integer); same seed + same software -> same file
%   outfile        .mat file to write (MAT level 5, '-v7': compressed)
%   quadriga_path  folder holding QuaDRiGa's quadriga_src; default ([] or omitted): environment
%                  variable QUADRIGA_PATH, else /opt/quadriga/quadriga_src
%   antennas       B, number of BS antennas (elements of the horizontal ULA); default ([] or
%                  omitted) 128, the NNO-C2PO setting
%   users          U, number of single-antenna users per sample; default ([] or omitted) 8
%
%   Only B and U change with the last two arguments; scenario, frequency, BS height, element
%   pattern, lambda/2 spacing, drop region, batching and normalisation (||h_u||^2 = B) stay as
%   below. With the defaults the random draws are exactly those of the 5-argument form, so the
%   committed data/nno-c2po sets are reproduced bit for bit. The values of B and U are not stored
%   as extra variables (they are size(H, 2) and size(H, 1)), so the saved variables are unchanged.
%
%   Runs under GNU Octave (tested: 7.3.0) and MATLAB with QuaDRiGa 2.8.1
%   (github.com/fraunhoferhhi/QuaDRiGa). This script only CALLS QuaDRiGa's public API; it contains
%   no QuaDRiGa code. The generated data are produced by QuaDRiGa, which is licensed for
%   non-commercial use only (Software License for The QuaDRiGa Channel Model, Fraunhofer HHI).
%
%   Output variables (MATLAB order):
%     H            single complex, U x B x N (default 8 x 128 x N): H(u, b, n) is the downlink
%                  narrowband channel from BS antenna b to user u in sample n (y = H x + noise),
%                  normalised per user and sample so that sum_b |H(u, b, n)|^2 = B (mean power 1
%                  per antenna).
%     gain_db      single U x N: the user's QuaDRiGa power gain 10log10(||h_u||^2 / B) before
%                  normalisation (path loss + shadowing + antenna gains), for reference only.
%     dist_2d_m    single U x N: BS-user horizontal distance in m.
%     azimuth_deg  single U x N: user azimuth seen from the BS, degrees from array broadside.
%     seed, fc_hz, bandwidth_hz, bs_height_m, ue_height_m, r_min_m, r_max_m, sector_deg,
%     element_spacing_wl, is_los   scalar doubles documenting the run.
%
% ==================================================================================================
% PARAMETERS (every one of them; see tools/quadriga/README.md)
% ==================================================================================================
%   Carrier frequency       fc = 2 GHz (paper, Sec. IV). NB: QuaDRiGa's BERLIN_UMa_* config files
%                           state a validity range of 2.6-2.7 GHz; the paper uses them at 2 GHz and
%                           so do we (their parameters have no frequency dependence).
%   Bandwidth               6.8 kHz (paper). Narrowband: the RMS delay spreads of Berlin UMa
%                           (~0.2-0.35 us median) give a coherence bandwidth of ~0.5-1 MHz >> 6.8 kHz,
%                           so ONE frequency bin describes the band. We take the frequency response
%                           at the centre frequency f0 with QuaDRiGa's documented qd_channel.fr:
%                           fr(6.8e3, 1) (1 carrier at relative position 0, i.e. f0), which equals the
%                           sum of the path coefficients.
%   Scenario                BERLIN_UMa_LOS (all users LoS) or BERLIN_UMa_NLOS (all users NLoS), forced
%                           per set (no distance-dependent LoS probability), QuaDRiGa's own parameter
%                           tables unmodified (15 / 25 clusters, 20 sub-paths each).
%   Simulation parameters   QuaDRiGa defaults (qd_simulation_parameters, v2.8.1): use_3GPP_baseline = 0
%                           (spherical waves + drifting, i.e. near-field effects across the
%                           aperture are modelled; they matter for the 9.5 m aperture of B = 128),
%                           use_random_initial_phase = 1, use_absolute_delays = 0; progress bars off.
%   BS                      one BS per sample at (0, 0, 25 m): 25 m height (3GPP UMa; lower bound of
%                           the Berlin UMa validity range 25-85 m).
%   BS array                qd_arrayant('3gpp-3d', M = 1, N = B, fc, pol = 1, tilt = 0, 0.5):
%                           B-element horizontal ULA (default B = 128), lambda/2 spacing (7.49 cm,
%                           aperture (B-1) x 7.49 cm: 9.52 m for 128, 2.32 m for 32, 22 cm for 4),
%                           single vertically polarised 3GPP TR 36.873 patch elements (65 deg
%                           half-power beam width in azimuth and elevation, 8 dBi, 30 dB front-back),
%                           elements along the y axis, broadside (boresight) towards +x
%                           (azimuth 0), no mechanical or electrical down-tilt.
%   Users                   U single-antenna UEs per sample (default U = 8), qd_arrayant('omni')
%                           (isotropic, vertical polarisation), height 1.5 m, default orientation.
%   User drop region        120-degree sector centred on the array broadside (azimuth -60..+60 deg),
%                           horizontal distance 50..250 m, uniform over the AREA of that annular
%                           sector (r = sqrt(U(r_min^2, r_max^2)), azimuth ~ U(-60, 60) deg).
%                           50 m is the lower limit of the Berlin UMa validity range (3GPP UMa uses
%                           35 m); 250 m is half the 3GPP UMa inter-site distance of 500 m.
%   Independence            every sample has its own BS (own QuaDRiGa builder => own large-scale
%                           parameter maps, new positions, new clusters); users of one sample share
%                           that sample's spatially consistent maps (as in one real cell). To save
%                           time, BATCH samples are simulated in one layout with BATCH BSs placed
%                           20 km apart, each paired only with its own U users (layout.pairing).
%   Normalisation           instantaneous per-user: h_u <- sqrt(B) h_u / ||h_u|| in every sample,
%                           so ||h_u||^2 = B exactly (path loss, shadowing and antenna gain removed;
%                           the spatial structure across antennas and between users is kept).
%   Random numbers          Octave: rand('state', seed), randn('state', seed) (QuaDRiGa draws with
%                           rand / randn / randi / randperm); MATLAB: rng(seed, 'twister').
%                           Octave and MATLAB give different (equally valid) draws for one seed.

% ---------------------------------------------------------------------------------------------
% Fixed parameters
% ---------------------------------------------------------------------------------------------
FC_HZ        = 2e9;      % centre frequency
BANDWIDTH_HZ = 6.8e3;    % bandwidth; one frequency bin (f0)
U_DEFAULT    = 8;        % users per sample (NNO-C2PO)
B_DEFAULT    = 128;      % BS antennas, horizontal ULA (NNO-C2PO)
SPACING_WL   = 0.5;      % element spacing in wavelengths
BS_HEIGHT_M  = 25;       % BS height
UE_HEIGHT_M  = 1.5;      % user height
R_MIN_M      = 50;       % minimum BS-user horizontal distance
R_MAX_M      = 250;      % maximum BS-user horizontal distance
SECTOR_DEG   = 120;      % sector width, centred on the array broadside (+x)
BS_SPACING_M = 20e3;     % distance between the independent per-sample BSs in one layout
BATCH        = 10;       % samples (BSs) per QuaDRiGa layout

% ---------------------------------------------------------------------------------------------
% Arguments
% ---------------------------------------------------------------------------------------------
if nargin < 4
  error('generate:args', ...
        'usage: generate(scenario, count, seed, outfile [, quadriga_path [, antennas [, users]]])');
end
if nargin < 6 || isempty(antennas)
  antennas = B_DEFAULT;
end
if nargin < 7 || isempty(users)
  users = U_DEFAULT;
end
if ~(isnumeric(antennas) && isscalar(antennas) && antennas >= 1 && antennas == round(antennas))
  error('generate:args', 'antennas must be a positive integer');
end
if ~(isnumeric(users) && isscalar(users) && users >= 1 && users == round(users))
  error('generate:args', 'users must be a positive integer');
end
B = double(antennas);    % BS antennas (horizontal ULA)
U = double(users);       % users per sample
if nargin < 5 || isempty(quadriga_path)
  quadriga_path = getenv('QUADRIGA_PATH');
  if isempty(quadriga_path)
    quadriga_path = '/opt/quadriga/quadriga_src';
  end
end
switch lower(scenario)
  case 'los'
    qd_scenario = 'BERLIN_UMa_LOS'; is_los = 1;
  case 'nlos'
    qd_scenario = 'BERLIN_UMa_NLOS'; is_los = 0;
  otherwise
    error('generate:args', 'scenario must be ''los'' or ''nlos'', got ''%s''', scenario);
end
if ~(isnumeric(count) && isscalar(count) && count >= 1 && count == round(count))
  error('generate:args', 'count must be a positive integer');
end
if ~(isnumeric(seed) && isscalar(seed) && seed >= 0 && seed == round(seed))
  error('generate:args', 'seed must be a non-negative integer');
end
if ~exist(fullfile(quadriga_path, '@qd_layout'), 'dir')
  error('generate:quadriga', 'QuaDRiGa not found in ''%s'' (set QUADRIGA_PATH to its quadriga_src folder)', quadriga_path);
end
addpath(quadriga_path);

is_octave = exist('OCTAVE_VERSION', 'builtin') ~= 0;
if is_octave
  rand('state', seed); %#ok<RAND>
  randn('state', seed); %#ok<RAND>
else
  rng(seed, 'twister');
end

% ---------------------------------------------------------------------------------------------
% QuaDRiGa objects shared by all batches
% ---------------------------------------------------------------------------------------------
s = qd_simulation_parameters;            % defaults of QuaDRiGa 2.8.1
s.center_frequency = FC_HZ;
s.show_progress_bars = 0;

bs_array = qd_arrayant('3gpp-3d', 1, B, FC_HZ, 1, 0, SPACING_WL);
ue_array = qd_arrayant('omni');

H = complex(zeros(U, B, count, 'single'));
gain_db = zeros(U, count, 'single');
dist_2d_m = zeros(U, count, 'single');
azimuth_deg = zeros(U, count, 'single');

t_start = tic;
done = 0;
while done < count
  T = min(BATCH, count - done);          % samples in this layout
  nr = U * T;
  tx_of_rx = reshape(repmat(1:T, U, 1), 1, nr);

  % User drop: uniform over the area of the annular sector of each sample's BS
  r = sqrt(R_MIN_M^2 + (R_MAX_M^2 - R_MIN_M^2) * rand(1, nr));
  phi = (rand(1, nr) - 0.5) * SECTOR_DEG * pi / 180;

  l = qd_layout(s);
  l.no_tx = T;
  l.tx_position = [(0:T-1) * BS_SPACING_M; zeros(1, T); BS_HEIGHT_M * ones(1, T)];
  l.tx_array = bs_array;                 % same (handle) array object for every BS
  l.no_rx = nr;
  l.rx_position = [r .* cos(phi) + l.tx_position(1, tx_of_rx); r .* sin(phi); UE_HEIGHT_M * ones(1, nr)];
  l.rx_array = ue_array;                 % same omni antenna for every user
  l.pairing = [tx_of_rx; 1:nr];          % each BS only to its own U users
  l.set_scenario(qd_scenario);

  c = l.get_channels;                    % vector of qd_channel, one per paired link

  % Map channels to (sample, user) by their names '<tx name>_<rx name>'
  found = false(1, nr);
  for k = 1:numel(c)
    nm = c(k).name;
    us = strfind(nm, '_');
    t = find(strcmp(l.tx_name, nm(1:us(1)-1)));
    ri = find(strcmp(l.rx_name, nm(us(1)+1:end)));
    if numel(t) ~= 1 || numel(ri) ~= 1 || tx_of_rx(ri) ~= t || found(ri)
      error('generate:channels', 'unexpected channel ''%s''', nm);
    end
    found(ri) = true;
    if c(k).no_rxant ~= 1 || c(k).no_txant ~= B
      error('generate:channels', 'channel ''%s'' is %d x %d, expected 1 x %d', nm, c(k).no_rxant, c(k).no_txant, B);
    end
    h = reshape(c(k).fr(BANDWIDTH_HZ, 1, 1), 1, B);   % [rx ant, tx ant, carrier, snapshot] -> 1 x B
    p = sum(abs(h).^2);
    if ~(p > 0) || any(~isfinite(h))
      error('generate:channels', 'channel ''%s'' has zero or non-finite power', nm);
    end
    n = done + t;
    u = ri - (t - 1) * U;
    H(u, :, n) = single(h * sqrt(B / p));
    gain_db(u, n) = single(10 * log10(p / B));
    dist_2d_m(u, n) = single(r(ri));
    azimuth_deg(u, n) = single(phi(ri) * 180 / pi);
  end
  if ~all(found)
    error('generate:channels', '%d of %d links missing', sum(~found), nr);
  end

  done = done + T;
  el = toc(t_start);
  fprintf('%s B=%d U=%d seed %d: %d / %d samples, %.0f s elapsed, ~%.0f s left\n', ...
          qd_scenario, B, U, seed, done, count, el, el / done * (count - done));
end

% ---------------------------------------------------------------------------------------------
% Save (MAT level 5, compressed); scalar metadata as doubles
% ---------------------------------------------------------------------------------------------
fc_hz = FC_HZ; bandwidth_hz = BANDWIDTH_HZ; bs_height_m = BS_HEIGHT_M; ue_height_m = UE_HEIGHT_M;
r_min_m = R_MIN_M; r_max_m = R_MAX_M; sector_deg = SECTOR_DEG; element_spacing_wl = SPACING_WL;
seed = double(seed);
save(outfile, 'H', 'gain_db', 'dist_2d_m', 'azimuth_deg', 'seed', 'fc_hz', 'bandwidth_hz', ...
     'bs_height_m', 'ue_height_m', 'r_min_m', 'r_max_m', 'sector_deg', 'element_spacing_wl', ...
     'is_los', '-v7');
fprintf('wrote %s (%d samples, B = %d, U = %d, %.0f s)\n', outfile, count, B, U, toc(t_start));
end
