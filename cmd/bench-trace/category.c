/*
 * category.c - op categories exactly as TraceLens assigns them: a table of
 * op names (those with a perf model and those it labels without one),
 * then the name patterns ^triton and ^record_param_comms, then the first
 * kernel an op launched ("void at::native..." elementwise, reduce or
 * multi_tensor_apply), else "other".
 *
 * The table mirrors TraceLens's torch_op_mapping and its inference
 * extensions; an entry's sheet is the perf table (GEMM, SDPA, ...) the op
 * belongs to, NULL for ops that are only labelled.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "trace.h"

struct opcat {
	const char *name;
	const char *cat;
	const char *sheet;
};

static struct opcat table[] = {

	/* GEMM */
	{ "aten::mm", "GEMM", "GEMM" },
	{ "aten::addmm", "GEMM", "GEMM" },
	{ "aten::_scaled_mm", "GEMM", "GEMM" },
	{ "trtllm::cublas_scaled_mm", "GEMM", "GEMM" },
	{ "bitsandbytes::int8_linear_matmul", "GEMM", "GEMM" },
	{ "aten::bmm", "GEMM", "GEMM" },
	{ "tex_ts::te_gemm_ts", "GEMM", "GEMM" },
	{ "aten::baddbmm", "GEMM", "GEMM" },
	{ "vllm::gemm_with_dynamic_quant", "GEMM", "GEMM" },
	{ "_Linear_yfwd_mm", "GEMM", "GEMM" },
	{ "_LinearBackward_xgrad_mm", "GEMM", "GEMM" },
	{ "_LinearBackward_wgrad_mm", "GEMM", "GEMM" },
	{ "_LayerNormLinear_yfwd_mm", "GEMM", "GEMM" },
	{ "_LayerNormLinearBackward_xgrad_mm", "GEMM", "GEMM" },
	{ "_LayerNormLinearBackward_wgrad_mm", "GEMM", "GEMM" },
	{ "primus_turbo_cpp_extension::hipblaslt_gemm_fp8", "GEMM", "GEMM" },
	{ "primus_turbo::hipblaslt_gemm_fp8", "GEMM", "GEMM" },
	{ "primus_turbo_cpp_extension::hipblaslt_gemm_fp4", "GEMM", "GEMM" },
	{ "primus_turbo::hipblaslt_gemm_fp4", "GEMM", "GEMM" },
	{ "aiter::gemm_a4w4", "GEMM", "GEMM" },
	{ "aiter::_gemm_a4w4_asm", "GEMM", "GEMM" },
	/* attention */
	{ "FlashAttnFunc", "SDPA_fwd", "SDPA" },
	{ "flash_attn::_flash_attn_forward", "SDPA_fwd", "SDPA" },
	{ "flash_attn::_flash_attn_backward", "SDPA_bwd", "SDPA" },
	{ "flash_attn::_flash_attn_varlen_forward", "SDPA_fwd", "SDPA" },
	{ "flash_attn::_flash_attn_varlen_backward", "SDPA_bwd", "SDPA" },
	{ "aten::_scaled_dot_product_cudnn_attention", "SDPA_fwd", "SDPA" },
	{ "aten::_scaled_dot_product_efficient_attention", "SDPA_fwd", "SDPA" },
	{ "aten::_scaled_dot_product_flash_attention", "SDPA_fwd", "SDPA" },
	{ "aiter::_flash_attn_forward", "SDPA_fwd", "SDPA" },
	{ "aiter::_flash_attn_backward", "SDPA_bwd", "SDPA" },
	{ "aiter::wrapper_fmha_v3_fwd", "SDPA_fwd", "SDPA" },
	{ "aiter::wrapper_fmha_v3_bwd", "SDPA_bwd", "SDPA" },
	{ "aiter::mha_fwd", "SDPA_fwd", "SDPA" },
	{ "aiter::fmha_v3_fwd", "SDPA_fwd", "SDPA" },
	{ "aiter::mha_bwd", "SDPA_bwd", "SDPA" },
	{ "flash_attn_3::fwd", "SDPA_fwd", "SDPA" },
	{ "EvoformerAttention", "SDPA_fwd", "SDPA" },
	/* convolution */
	{ "aten::convolution", "CONV_fwd", "CONV" },
	{ "aten::convolution_backward", "CONV_bwd", "CONV" },
	{ "ConvBias_", "CONV_fwd", "CONV" },
	{ "ConvBiasReLU_", "CONV_fwd", "CONV" },
	{ "ConvBias_Backward", "CONV_bwd", "CONV" },
	{ "ConvBiasReLU_Backward", "CONV_bwd", "CONV" },
	/* others with perf models */
	{ "LigerSiLUMulFunction", "elementwise", "BinaryElementwise" },
	{ "primus_turbo::grouped_gemm", "GroupedGEMM_fwd", "GroupedGEMM" },
	{ "primus_turbo::grouped_gemm_impl", "GroupedGEMM_fwd", "GroupedGEMM" },
	{ "primus_turbo_cpp_extension::grouped_gemm", "GroupedGEMM_fwd", "GroupedGEMM" },
	{ "primus_turbo::grouped_gemm_variable_k", "GroupedGEMM_fwd", "GroupedGEMM" },
	{ "primus_turbo::grouped_gemm_variable_k_impl", "GroupedGEMM_fwd", "GroupedGEMM" },
	{ "primus_turbo_cpp_extension::grouped_gemm_variable_k", "GroupedGEMM_fwd", "GroupedGEMM" },
	{ "primus_turbo_cpp_extension::ck_grouped_gemm", "GroupedGEMM_fwd", "GroupedGEMM" },
	{ "primus_turbo_cpp_extension::ck_grouped_gemm_variable_k", "GroupedGEMM_fwd", "GroupedGEMM" },
	{ "MoEDispatch", "MoE_comm_fwd", "MoE_comm" },
	{ "MoECombine", "MoE_comm_fwd", "MoE_comm" },
	{ "DaoAILab::_causal_conv1d_fwd_cpp", "SSM_fwd", "SSM" },
	{ "FusedRoPEFunc", "RoPE_fwd", "RoPE" },
	{ "CrossEntropyFunction", "CrossEntropy_fwd", "CrossEntropy" },
	{ "MambaSplitConv1dScanCombinedFn", "SSM_fwd", "SSM" },
	{ "primus_turbo_cpp_extension::quantize_fp8_tensorwise", "elementwise", "UnaryElementwise" },
	{ "primus_turbo::quantize_fp8_tensorwise", "elementwise", "UnaryElementwise" },
	{ "primus_turbo_cpp_extension::quantize_mxfp4_dual", "elementwise", "UnaryElementwise" },
	{ "primus_turbo::quantize_mxfp4_dual", "elementwise", "UnaryElementwise" },
	{ "primus::quantize_mxfp4_dual", "elementwise", "UnaryElementwise" },
	/* elementwise */

	{ "aten::copy", "elementwise", "UnaryElementwise" },
	{ "aten::copy_", "elementwise", "UnaryElementwise" },
	{ "aten::clamp_min", "elementwise", "UnaryElementwise" },
	{ "aten::clamp_min_", "elementwise", "UnaryElementwise" },
	{ "aten::clamp_max", "elementwise", "UnaryElementwise" },
	{ "aten::clamp_max_", "elementwise", "UnaryElementwise" },
	{ "aten::sigmoid", "elementwise", "UnaryElementwise" },
	{ "aten::rsqrt", "elementwise", "UnaryElementwise" },
	{ "aten::silu", "elementwise", "UnaryElementwise" },
	{ "aten::neg", "elementwise", "UnaryElementwise" },
	{ "aten::pow", "elementwise", "UnaryElementwise" },
	{ "aten::div", "elementwise", "BinaryElementwise" },
	{ "aten::div_", "elementwise", "BinaryElementwise" },
	{ "aten::mul", "elementwise", "BinaryElementwise" },
	{ "aten::mul_", "elementwise", "BinaryElementwise" },
	{ "aten::add", "elementwise", "BinaryElementwise" },
	{ "aten::add_", "elementwise", "BinaryElementwise" },
	{ "aten::sigmoid_backward", "elementwise", "BinaryElementwise" },
	{ "aten::threshold_backward", "elementwise", "BinaryElementwise" },
	{ "aten::replication_pad1d", "elementwise", "UnaryElementwise" },
	{ "aten::replication_pad2d", "elementwise", "UnaryElementwise" },
	{ "aten::replication_pad3d", "elementwise", "UnaryElementwise" },
	{ "aten::upsample_nearest1d", "elementwise", "UnaryElementwise" },
	{ "aten::upsample_nearest2d", "elementwise", "UnaryElementwise" },
	{ "aten::upsample_nearest3d", "elementwise", "UnaryElementwise" },
	/* normalization */
	{ "aten::batch_norm", "NORM_fwd", "Normalization" },
	{ "aten::batch_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::native_batch_norm", "NORM_fwd", "Normalization" },
	{ "aten::native_batch_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::miopen_batch_norm", "NORM_fwd", "Normalization" },
	{ "aten::miopen_batch_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::cudnn_batch_norm", "NORM_fwd", "Normalization" },
	{ "aten::cudnn_batch_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::layer_norm", "NORM_fwd", "Normalization" },
	{ "aten::layer_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::native_layer_norm", "NORM_fwd", "Normalization" },
	{ "aten::native_layer_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::miopen_layer_norm", "NORM_fwd", "Normalization" },
	{ "aten::miopen_layer_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::cudnn_layer_norm", "NORM_fwd", "Normalization" },
	{ "aten::cudnn_layer_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::group_norm", "NORM_fwd", "Normalization" },
	{ "aten::group_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::native_group_norm", "NORM_fwd", "Normalization" },
	{ "aten::native_group_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::miopen_group_norm", "NORM_fwd", "Normalization" },
	{ "aten::miopen_group_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::cudnn_group_norm", "NORM_fwd", "Normalization" },
	{ "aten::cudnn_group_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::instance_norm", "NORM_fwd", "Normalization" },
	{ "aten::instance_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::native_instance_norm", "NORM_fwd", "Normalization" },
	{ "aten::native_instance_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::miopen_instance_norm", "NORM_fwd", "Normalization" },
	{ "aten::miopen_instance_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::cudnn_instance_norm", "NORM_fwd", "Normalization" },
	{ "aten::cudnn_instance_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::_fused_rms_norm", "NORM_fwd", "Normalization" },
	{ "aten::rms_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::native_rms_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::miopen_rms_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::cudnn_rms_norm_backward", "NORM_bwd", "Normalization" },
	{ "aten::_fused_rms_norm_backward", "NORM_bwd", "Normalization" },
	{ "primus::fused_ln_modulate", "NORM_fwd", "Normalization" },
	{ "primus::fused_ln_modulate_backward", "NORM_bwd", "Normalization" },
	/* reduce */
	{ "aten::sum", "reduce", "Reduce" },
	{ "aten::mean", "reduce", "Reduce" },
	{ "aten::max", "reduce", "Reduce" },
	{ "aten::min", "reduce", "Reduce" },
	{ "aten::norm", "reduce", "Reduce" },
	{ "aten::linalg_norm", "reduce", "Reduce" },
	{ "aten::std", "reduce", "Reduce" },
	{ "aten::var", "reduce", "Reduce" },
	{ "aten::logsumexp", "reduce", "Reduce" },
	{ "aten::cumsum", "reduce", "Reduce" },
	{ "aten::cumprod", "reduce", "Reduce" },
	{ "aten::amin", "reduce", "Reduce" },
	{ "aten::amax", "reduce", "Reduce" },
	/* category only */
	{ "aten::miopen_convolution", "CONV_fwd", NULL },
	{ "aten::cudnn_convolution", "CONV_fwd", NULL },
	{ "FlashAttnFuncBackward", "SDPA_bwd", NULL },
	{ "FusedAttnFuncBackward", "SDPA_bwd", NULL },
	{ "aten::_scaled_dot_product_cudnn_attention_backward", "SDPA_bwd", NULL },
	{ "aten::_scaled_dot_product_efficient_attention_backward", "SDPA_bwd", NULL },
	{ "aten::_scaled_dot_product_flash_attention_backward", "SDPA_bwd", NULL },
	{ "aten::_efficient_attention_forward", "SDPA_fwd", NULL },
	{ "aten::_efficient_attention_backward", "SDPA_bwd", NULL },
	{ "MambaSplitConv1dScanCombinedFnBackward", "SSM_bwd", NULL },
	{ "DaoAILab::_causal_conv1d_bwd_cpp", "SSM_bwd", NULL },
	{ "TokenPermuteMaskMap", "MoE_comm_fwd", NULL },
	{ "_OperationFuserAutogradFunction", "MoE_comm_fwd", NULL },
	{ "MoEDispatchBackward", "MoE_comm_bwd", NULL },
	{ "MoECombineBackward", "MoE_comm_bwd", NULL },
	{ "TokenPermuteMaskMapBackward", "MoE_comm_bwd", NULL },
	{ "_OperationFuserAutogradFunctionBackward", "MoE_comm_bwd", NULL },
	{ "FusedRoPEFuncBackward", "RoPE_bwd", NULL },
	{ "CrossEntropyFunctionBackward", "CrossEntropy_bwd", NULL },
	{ "aiter::moe_sorting_opus_fwd", "MoE_aux", NULL },
	{ "aiter::moe_align_block_size", "MoE_aux", NULL },
	{ "_moe_C::moe_align_block_size", "MoE_aux", NULL },
	{ "aiter::moe_sum", "MoE_aux", NULL },
	{ "aiter::topk_softmax", "MoE_aux", NULL },
	{ "aiter::topk_softmax_asm", "MoE_aux", NULL },
	{ "aiter::topk_sigmoid", "MoE_aux", NULL },
	{ "aiter::grouped_topk", "MoE_aux", NULL },
	{ "aiter::moe_fused_gate", "MoE_aux", NULL },
	{ "_C_cache_ops::reshape_and_cache_flash", "InferenceAttention", NULL },
	{ "_C_cache_ops::concat_and_cache_mla", "InferenceAttention", NULL },
	{ "aiter::fused_dynamic_mxfp4_quant_moe_sort_hip", "MoE_aux", NULL },
	{ "aiter::get_mla_metadata_v1", "InferenceAttention", NULL },
	{ "aiter::indexer_score_topk", "InferenceAttention", NULL },
	/* pseudo-op extensions (AMD inference stacks) */
	{ "pseudo_op::moe_aiter_fused_1stage", "MoE_fused", NULL },
	{ "aiter::moe_cktile2stages_gemm1_ck", "MoE_unfused", NULL },
	{ "aiter::moe_cktile2stages_gemm2_ck", "MoE_unfused", NULL },
	{ "aiter::ck_moe_stage1", "MoE_unfused", NULL },
	{ "aiter::ck_moe_stage2", "MoE_unfused", NULL },
	{ "aiter::fmoe_fp8_blockscale_g1u1", "MoE_fused", NULL },
	{ "aiter::fmoe_g1u1", "MoE_fused", NULL },
	{ "pseudo_op::moe_triton_unfused_up", "MoE_unfused", NULL },
	{ "pseudo_op::moe_triton_unfused_down", "MoE_unfused", NULL },
	{ "pseudo_op::moe_gptq_awq_up", "MoE_unfused", NULL },
	{ "pseudo_op::moe_gptq_awq_down", "MoE_unfused", NULL },
	{ "pseudo_op::moe_flydsl_stage1", "MoE_unfused", NULL },
	{ "pseudo_op::moe_flydsl_stage2", "MoE_unfused", NULL },
	{ "sglang_profiler::fused_moe_triton_kernels_invoke_fused_moe_kernel", "MoE_unfused", NULL },
	{ "aiter::biased_grouped_topk_hip", "MoE_aux", NULL },
	{ "aiter::moe_sorting_fwd", "MoE_aux", NULL },
	{ "aiter::mxfp4_moe_sort_hip", "MoE_aux", NULL },
	{ "vllm::unified_attention_with_output", "InferenceAttention", NULL },
	{ "aiter::mha_varlen_fwd", "InferenceAttention", NULL },
	{ "aiter::fmha_v3_varlen_fwd", "InferenceAttention", NULL },
	{ "aiter::mha_batch_prefill", "InferenceAttention", NULL },
	{ "sglang_profiler::attention_paged_attention_ragged", "InferenceAttention", NULL },
	{ "pseudo_mla_decode_fwd", "InferenceAttention", NULL },
	{ "pseudo_mla_prefill_fwd", "InferenceAttention", NULL },
	{ "aiter::pa_decode_gluon", "InferenceAttention", NULL },
	{ "pseudo_v4_paged_decode_swa", "InferenceAttention", NULL },
	{ "pseudo_v4_paged_decode_csa", "InferenceAttention", NULL },
	{ "pseudo_v4_paged_decode_hca", "InferenceAttention", NULL },
	{ "aiter::pa_sparse_prefill_opus_fwd", "InferenceAttention", NULL },
	{ "sglang_profiler::tilelang_kernel_tilelang_sparse_fwd", "InferenceAttention", NULL },
	{ "aiter::batched_gemm_a16wfp4_", "GEMM", NULL },
	{ "aiter::dynamic_per_token_scaled_quant", "GroupQuant", NULL },
	{ "aiter::dynamic_per_group_scaled_quant", "GroupQuant", NULL },
	{ "aiter::fused_add_rmsnorm_pad_", "RMSNorm", NULL },
	{ "aiter::mixed_sample_outer_exponential", "elementwise", NULL },
	{ "sglang_profiler::fp8_utils_gemm_a8w8_blockscale", "GEMM", NULL },
	{ "sglang_profiler::gemm_a8w8_blockscale_gemm_a8w8_blockscale", "GEMM", NULL },
	{ "vllm::rocm_aiter_triton_gemm_a8w8_blockscale", "GEMM", NULL },
	{ "aiter::gemm_a8w8_blockscale_ck", "GEMM", NULL },
	{ "aiter::gemm_a8w8_blockscale_cktile", "GEMM", NULL },
	{ "aiter::gemm_a8w8_blockscale_bpreshuffle_ck", "GEMM", NULL },
	{ "aiter::gemm_a8w8_blockscale_bpreshuffle_cktile", "GEMM", NULL },
	{ "aiter::flatmm_a8w8_blockscale_asm", "GEMM", NULL },
	{ "aiter::gfx950_a8w8_blockscale_asm", "GEMM", NULL },
	{ "aiter::gemm_a8w8_ck", "GEMM", NULL },
	{ "aiter::gemm_a8w8_bpreshuffle_ck", "GEMM", NULL },
	{ "aiter::gemm_a8w8_bpreshuffle", "GEMM", NULL },
	{ "vllm::_rocm_aiter_preshuffled_per_token_w8a8_gemm", "GEMM", NULL },
	{ "vllm::rocm_unquantized_gemm", "GEMM", NULL },
	{ "aiter::gemm_a16w16", "GEMM", NULL },
	{ "aiter::fused_dynamic_mx_quant_moe_sort_hip", "GroupQuant", NULL },
	{ "aiter::fused_qk_rope_concat_and_cache_mla", "RoPE_fwd", NULL },
	{ "aiter::gemm_a16w16_atomic_", "GEMM", NULL },
	{ "aiter::_gemm_a16w16_asm", "GEMM", NULL },
	{ "sglang_profiler::gemm_kernels_flydsl_hgemm", "GEMM", NULL },
	{ "aiter::gemm_afp4wfp4_", "GEMM", NULL },
	{ "sglang_profiler::batched_gemm_a8w8_a_per_token_group_prequant_w_per_batched_tensor_quant_batched_gemm_a8w8_a_per_token_group_prequant_w_per_batched_tensor_quant", "GEMM", NULL },
	{ "vllm::triton_per_token_group_quant_fp8", "GroupQuant", NULL },
	{ "sglang_profiler::fused_mxfp4_quant_fused_flatten_mxfp4_quant", "GroupQuant", NULL },
	{ "aiter::dynamic_per_tensor_quant", "GroupQuant", NULL },
	{ "aiter::rope_cached_positions_2c_fwd_impl", "RoPE_fwd", NULL },
	{ "sgl_kernel::rotary_embedding", "RoPE_fwd", NULL },
	{ "aiter::silu_and_mul", "elementwise", NULL },
	{ "_C::silu_and_mul", "elementwise", NULL },
	{ "sgl_kernel::silu_and_mul", "elementwise", NULL },
	{ "aiter::gelu_and_mul", "elementwise", NULL },
	{ "aiter::gelu_tanh_and_mul", "elementwise", NULL },
	{ "aiter::rms_norm", "RMSNorm", NULL },
	{ "aiter::rmsnorm", "RMSNorm", NULL },
	{ "aiter::rmsnorm2d_fwd_ck", "RMSNorm", NULL },
	{ "aiter::rmsnorm2d_fwd_with_add_ck", "RMSNorm", NULL },
	{ "aiter::add_rmsnorm", "RMSNorm", NULL },
	{ "aiter::rmsnorm2d_fwd_with_dynamicquant_ck", "RMSNorm", NULL },
	{ "vllm::rocm_aiter_rmsnorm_fp8_group_quant", "RMSNorm", NULL },
	{ "vllm::rocm_aiter_rmsnorm_with_add_fp8_group_quant", "RMSNorm", NULL },
	{ "vllm::rocm_aiter_triton_add_rmsnorm_pad", "RMSNorm", NULL },
	{ "sglang_profiler::fused_mxfp4_quant_fused_rms_mxfp4_quant", "RMSNorm", NULL },
	{ "aiter::_fuse_rmsnorm_fp4_quant", "RMSNorm", NULL },
	{ "aiter::fused_allreduce_rmsnorm", "CustomCollective", NULL },
	{ "aiter::fused_allreduce_rmsnorm_", "CustomCollective", NULL },
	{ "_C_custom_ar::all_reduce", "CustomCollective", NULL },
	{ "aiter::reduce_scatter", "CustomCollective", NULL },
	{ "aiter::all_gather_reg", "CustomCollective", NULL },
	{ "sgl_kernel::all_reduce_reg", "CustomCollective", NULL },
	{ "sgl_kernel::qr_all_reduce", "CustomCollective", NULL },
	{ "sglang::reg_all_gather_into_tensor", "CustomCollective", NULL },
	{ "_C_custom_ar::qr_all_reduce", "CustomCollective", NULL },
	{ "vllm::gdn_attention_core", "InferenceAttention", NULL },
	{ "aiter::linear_attention_with_output_base", "InferenceAttention", NULL },
	{ "sglang::store_cache", "InferenceAttention", NULL },
	{ "aiter::fused_qk_rope_cat_and_cache_mla", "RoPE_fwd", NULL },
	{ "sglang_profiler::fused_moe_triton_kernels_fused_append_shared_experts", "MoE_aux", NULL },
	{ "sglang_profiler::quant_dynamic_mxfp4_quant", "GroupQuant", NULL },
	{ "aiter::dynamic_per_group_scaled_quant_fp4", "GroupQuant", NULL },
	{ "aiter::_gemm_a8w8_blockscale_bpreshuffle_asm", "GEMM", NULL },
	{ "aiter::mhc_post", "mHC", NULL },
	{ "aiter::mhc_pre_gemm_sqrsum", "mHC", NULL },
	{ "aiter::mhc_pre_big_fuse_rmsnorm", "mHC", NULL },
	{ "aiter::mhc_fused_post_pre_gemm_sqrsum", "mHC", NULL },
	{ "aiter::topk_softplus", "MoE_aux", NULL },
	{ "aiter::rmsnorm_quant", "RMSNorm", NULL },
	{ "aiter::_groupnorm_run", "NORM_fwd", NULL },
};

#define NTABLE (sizeof table / sizeof table[0])

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct opcat *)a)->name,
	    ((const struct opcat *)b)->name);
}

static const struct opcat *
lookup(const char *name)
{
	static int sorted;
	struct opcat key = { name, NULL, NULL };

	if (!sorted) {
		qsort(table, NTABLE, sizeof table[0], by_name);
		sorted = 1;
	}
	return bsearch(&key, table, NTABLE, sizeof table[0], by_name);
}

const char *
op_category(const struct trace *t, int32_t ev, const int32_t *k, size_t nk)
{
	return op_category_of(t, str_get(&t->s, t->ev[ev].name), k, nk);
}

const char *
op_category_of(const struct trace *t, const char *name, const int32_t *k,
    size_t nk)
{
	const struct opcat *c = lookup(name);
	const char *kn;

	if (c)
		return c->cat;
	if (strncmp(name, "triton", 6) == 0)
		return "triton";
	if (strncmp(name, "record_param_comms", 18) == 0)
		return "record_param_comms";
	if (nk > 0) {
		kn = str_get(&t->s, t->ev[k[0]].name);
		if (strncmp(kn, "void at::native", 15) == 0) {
			if (strstr(kn, "elementwise"))
				return "elementwise";
			if (strstr(kn, "reduce"))
				return "reduce";
			if (strstr(kn, "multi_tensor_apply"))
				return "multi_tensor_apply";
		}
	}
	return "other";
}

/* The perf table an op's shapes are modelled in, or NULL. */
const char *
perf_sheet(const char *opname)
{
	const struct opcat *c = lookup(opname);

	return c ? c->sheet : NULL;
}

struct catrow {
	uint32_t cat;
	size_t count;
	double us;
	size_t first;
};

static int
by_time_desc(const void *a, const void *b)
{
	const struct catrow *x = a, *y = b;

	if (x->us != y->us)
		return x->us < y->us ? 1 : -1;
	return (x->first > y->first) - (x->first < y->first);
}

static struct catrow *
row_for(struct catrow **rows, size_t *n, uint32_t cat)
{
	for (size_t i = 0; i < *n; i++)
		if ((*rows)[i].cat == cat)
			return &(*rows)[i];
	*rows = bp_xrealloc(*rows, (*n + 1) * sizeof **rows);
	(*rows)[*n] = (struct catrow){ cat, 0, 0, *n };
	return &(*rows)[(*n)++];
}

/*
 * trace_category (TraceLens ops_summary_by_category): the kernel
 * launchers' direct kernel time summed by op category.  A trace without
 * GPU events is summarised by CPU self time instead.
 */
void
table_category(struct trace *t, const struct opts *o)
{
	struct catrow *rows = NULL;
	size_t n = 0;
	double total = 0, cum = 0;
	int cpu = !t->has_gpu;
	double *self = cpu ? cpu_self_us(t) : NULL;

	if (cpu) {
		for (size_t i = 0; i < t->nev; i++) {
			const char *c;
			struct catrow *r;

			if (t->ev[i].cat != C_CPU_OP ||
			    !(t->ev[i].flags & EV_INWIN))
				continue;
			c = op_category(t, (int32_t)i, NULL, 0);
			r = row_for(&rows, &n, str_intern(&t->s, c, strlen(c)));
			r->count++;
			r->us += self[i];
		}
	} else {
		for (size_t i = 0; i < t->nlau; i++) {
			struct catrow *r = row_for(&rows, &n, t->lau[i].cat);

			r->count++;
			r->us += t->lau[i].direct_us;
		}
	}
	if (n)
		qsort(rows, n, sizeof *rows, by_time_desc);
	for (size_t i = 0; i < n; i++)
		total += rows[i].us / 1000;
	for (size_t i = 0; i < n; i++) {
		cJSON *r = rec_new(t, "trace_category", o);
		double ms = rows[i].us / 1000, pct = ms / total * 100;

		cum += pct;
		cJSON_AddStringToObject(r, "category", str_get(&t->s,
		    rows[i].cat));
		cJSON_AddStringToObject(r, "basis", cpu ? "cpu" : "gpu");
		cJSON_AddNumberToObject(r, "count", (double)rows[i].count);
		rec_num(r, cpu ? "cpu_self_ms" : "kernel_time_ms", ms);
		rec_num(r, "pct", pct);
		rec_num(r, "cumulative_pct", cum);
		rec_emit(r);
	}
	free(rows);
	free(self);
}
