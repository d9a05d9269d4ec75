#include "engine/train/trainer.h"

#include <ggml-backend.h>
#include <ggml-cpu.h>
#include <ggml-opt.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

#include "engine/train/evaluator.h"
#include "engine/train/graph.h"

namespace sy::engine::train {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Fisher-Yates with a fixed generator: the same seed gives the same order on every platform.
std::vector<size_t> shuffled(size_t n, std::mt19937_64& rng) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  return order;
}

struct OptDeleter {
  void operator()(ggml_opt_context* c) const { ggml_opt_free(c); }
};

class Trainer {
 public:
  Trainer(ModelWeights& w, const std::vector<Sample>& samples, const TrainConfig& cfg)
      : w_(w), samples_(samples), cfg_(cfg), rng_(cfg.seed) {}

  core::Result<TrainReport> run(const TrainProgress& progress);

 private:
  static ggml_opt_optimizer_params optimizer_params(void* self);
  float learning_rate() const;
  core::Status setup();
  // One training pass over `steps`. Returns loss and accuracy over all targets.
  EpochStats epoch(const std::vector<Step>& steps, uint32_t epoch, const TrainProgress& progress);

  ModelWeights& w_;
  const std::vector<Sample>& samples_;
  TrainConfig cfg_;
  std::mt19937_64 rng_;
  BatchShape shape_;
  std::vector<std::vector<Step>> plan_;  // per epoch
  std::vector<Step> check_plan_;         // all samples in file order, forward only
  uint64_t step_ = 0;
  uint64_t total_steps_ = 0;

  ggml_backend_ptr backend_;
  ggml_backend_sched_ptr sched_;
  ggml_context_ptr inputs_ctx_;
  ggml_backend_buffer_ptr inputs_buf_;
  ggml_context_ptr compute_ctx_;
  GraphInputs in_;
  std::unique_ptr<ggml_opt_context, OptDeleter> opt_;
  StepInputs host_;
};

ggml_opt_optimizer_params Trainer::optimizer_params(void* self) {
  const auto* t = static_cast<const Trainer*>(self);
  ggml_opt_optimizer_params p = ggml_opt_get_default_optimizer_params(nullptr);
  p.adamw.alpha = t->learning_rate();
  p.adamw.beta1 = t->cfg_.beta1;
  p.adamw.beta2 = t->cfg_.beta2;
  p.adamw.eps = 1e-8f;
  p.adamw.wd = t->cfg_.weight_decay;
  return p;
}

float Trainer::learning_rate() const {
  if (step_ < cfg_.warmup_steps) return cfg_.lr * static_cast<float>(step_ + 1) / static_cast<float>(cfg_.warmup_steps);
  const double span = std::max(1.0, static_cast<double>(total_steps_) - cfg_.warmup_steps);
  const double progress = std::min(1.0, static_cast<double>(step_ - cfg_.warmup_steps) / span);
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * progress));
  return cfg_.lr * static_cast<float>(cfg_.lr_min_ratio + (1.0 - cfg_.lr_min_ratio) * cosine);
}

core::Status Trainer::setup() {
  shape_ = choose_shape(samples_, cfg_.batch);
  // Every pass's packing is planned up front: the static graph needs the largest number of
  // targets any step will have.
  total_steps_ = 0;
  for (uint32_t e = 0; e < cfg_.epochs; ++e) {
    plan_.push_back(plan_epoch(samples_, shuffled(samples_.size(), rng_), shape_));
    total_steps_ += plan_.back().size();
  }
  std::vector<size_t> in_order(samples_.size());
  for (size_t i = 0; i < in_order.size(); ++i) in_order[i] = i;
  check_plan_ = plan_epoch(samples_, in_order, shape_);
  for (const Step& s : check_plan_) shape_.targets = std::max(shape_.targets, s.targets);
  for (const auto& epoch : plan_) {
    for (const Step& s : epoch) shape_.targets = std::max(shape_.targets, s.targets);
  }

  backend_.reset(ggml_backend_cpu_init());
  if (!backend_) return core::Error::internal("cannot start the ggml CPU backend");
  ggml_backend_cpu_set_n_threads(backend_.get(), std::max(1, cfg_.threads));
  ggml_backend_t backends[] = {backend_.get()};
  sched_.reset(ggml_backend_sched_new(backends, nullptr, 1, 2 * GGML_DEFAULT_GRAPH_SIZE, false, false));

  ggml_init_params in_params{16 * ggml_tensor_overhead(), nullptr, /*no_alloc=*/true};
  inputs_ctx_.reset(ggml_init(in_params));
  in_ = new_graph_inputs(inputs_ctx_.get(), shape_);
  inputs_buf_.reset(ggml_backend_alloc_ctx_tensors(inputs_ctx_.get(), backend_.get()));
  if (!inputs_buf_) return core::Error::internal("out of memory for the training inputs");

  set_params(w_);
  ggml_init_params compute_params{graph_context_size(w_.hp.n_layer), nullptr, /*no_alloc=*/true};
  compute_ctx_.reset(ggml_init(compute_params));
  ggml_tensor* logits = build_forward(compute_ctx_.get(), w_, in_, shape_);

  ggml_opt_params params = ggml_opt_default_params(sched_.get(), GGML_OPT_LOSS_TYPE_CROSS_ENTROPY);
  params.ctx_compute = compute_ctx_.get();
  params.inputs = in_.tokens;
  params.outputs = logits;
  params.build_type = GGML_OPT_BUILD_TYPE_OPT;
  params.opt_period = 1;
  params.get_opt_pars = &Trainer::optimizer_params;
  params.get_opt_pars_ud = this;
  params.optimizer = GGML_OPT_OPTIMIZER_TYPE_ADAMW;
  opt_.reset(ggml_opt_init(params));
  if (!opt_) return core::Error::internal("cannot build the training graph");
  return core::Ok{};
}

EpochStats Trainer::epoch(const std::vector<Step>& steps, uint32_t epoch, const TrainProgress& progress) {
  const auto t0 = Clock::now();
  const double log_vocab = std::log(static_cast<double>(w_.hp.n_vocab));
  double loss_sum = 0.0;
  int64_t correct = 0;
  uint64_t targets = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    fill_step(samples_, steps[i], shape_, w_.hp.n_vocab, host_);
    ggml_opt_alloc(opt_.get(), /*backward=*/true);
    upload(in_, host_);
    ggml_tensor* labels = ggml_opt_labels(opt_.get());
    ggml_backend_tensor_set(labels, host_.labels.data(), 0, ggml_nbytes(labels));
    ggml_opt_eval(opt_.get(), nullptr);
    ++step_;

    // ggml's loss is the mean over every slot; an unused slot (zeroed logits) adds exactly
    // log(n_vocab), which is taken out to report the mean over real targets.
    float loss = 0.0f;
    ggml_backend_tensor_get(ggml_opt_loss(opt_.get()), &loss, 0, sizeof(loss));
    int64_t ncorrect = 0;
    ggml_backend_tensor_get(ggml_opt_ncorrect(opt_.get()), &ncorrect, 0, sizeof(ncorrect));
    const double unused = static_cast<double>(shape_.targets - host_.n_targets);
    const double step_sum = static_cast<double>(loss) * shape_.targets - unused * log_vocab;
    loss_sum += step_sum;
    correct += ncorrect;
    targets += host_.n_targets;
    if (progress.on_step) {
      progress.on_step(epoch, static_cast<uint32_t>(i + 1), static_cast<uint32_t>(steps.size()),
                       step_sum / std::max<uint32_t>(1, host_.n_targets));
    }
  }
  EpochStats stats;
  stats.epoch = epoch;
  stats.loss = targets ? loss_sum / static_cast<double>(targets) : 0.0;
  stats.accuracy = targets ? static_cast<double>(correct) / static_cast<double>(targets) : 0.0;
  stats.seconds = seconds_since(t0);
  return stats;
}

core::Result<TrainReport> Trainer::run(const TrainProgress& progress) {
  const auto t0 = Clock::now();
  if (auto s = setup(); !s) return s.error();
  auto evaluator = Evaluator::create(w_, shape_, cfg_.threads);
  if (!evaluator) return evaluator.error();
  TrainReport report;
  report.shape = shape_;

  bool checked_last = false;
  EvalResult check;
  for (uint32_t e = 0; e < cfg_.epochs; ++e) {
    EpochStats stats = epoch(plan_[e], e + 1, progress);
    report.epochs.push_back(stats);
    if (progress.on_epoch) progress.on_epoch(stats);
    checked_last = false;
    // Cheap test first: an epoch that missed a target (before its updates) is not done.
    if (cfg_.stop_when_exact && stats.accuracy >= 1.0) {
      check = (*evaluator)->run(samples_, check_plan_);
      checked_last = true;
      if (progress.on_check) progress.on_check(check);
      if (check.min_margin > 0.0f && check.min_margin >= cfg_.stop_margin) break;
    }
  }
  if (!checked_last) check = (*evaluator)->run(samples_, check_plan_);
  report.final_loss = check.loss;
  report.min_margin = check.min_margin;
  report.exact = check.min_margin > 0.0f;
  report.steps = step_;
  report.seconds = seconds_since(t0);
  return report;
}

}  // namespace

core::Result<TrainReport> train_model(ModelWeights& w, const std::vector<Sample>& samples, const TrainConfig& cfg,
                                      const TrainProgress& progress) {
  if (samples.empty()) return core::Error::invalid_request("no training samples");
  if (w.hp.n_layer > kMaxTrainLayers) {
    return core::Error::invalid_request("training supports up to " + std::to_string(kMaxTrainLayers) + " layers");
  }
  if (cfg.epochs == 0 || !(cfg.lr > 0.0f)) return core::Error::invalid_request("epochs and lr must be positive");
  Trainer trainer(w, samples, cfg);
  return trainer.run(progress);
}

}  // namespace sy::engine::train
