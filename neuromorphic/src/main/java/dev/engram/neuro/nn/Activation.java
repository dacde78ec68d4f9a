package dev.engram.neuro.nn;

/**
 * The hidden layers' nonlinearity. {@code forward} maps pre-activations to activations in place;
 * {@code backward} multiplies an upstream gradient by the derivative, written in terms of the activation
 * {@code a} (so the pre-activation need not be kept): ReLU 1[a &gt; 0], tanh 1 − a², sigmoid a(1 − a).
 */
public enum Activation {
    RELU {
        @Override
        public void forward(float[] z, int n) {
            for (int k = 0; k < n; k++) {
                z[k] = Math.max(z[k], 0f);
            }
        }

        @Override
        public void backward(float[] dz, float[] a, int n) {
            for (int k = 0; k < n; k++) {
                dz[k] = a[k] > 0f ? dz[k] : 0f;
            }
        }

        @Override
        double initLimit(int fanIn, int fanOut) {
            return Math.sqrt(6.0 / fanIn); // He et al. 2015, uniform
        }
    },
    TANH {
        @Override
        public void forward(float[] z, int n) {
            for (int k = 0; k < n; k++) {
                z[k] = (float) Math.tanh(z[k]);
            }
        }

        @Override
        public void backward(float[] dz, float[] a, int n) {
            for (int k = 0; k < n; k++) {
                dz[k] *= 1f - a[k] * a[k];
            }
        }

        @Override
        double initLimit(int fanIn, int fanOut) {
            return Math.sqrt(6.0 / (fanIn + fanOut)); // Glorot and Bengio 2010, uniform
        }
    },
    SIGMOID {
        @Override
        public void forward(float[] z, int n) {
            for (int k = 0; k < n; k++) {
                z[k] = (float) (1.0 / (1.0 + Math.exp(-z[k])));
            }
        }

        @Override
        public void backward(float[] dz, float[] a, int n) {
            for (int k = 0; k < n; k++) {
                dz[k] *= a[k] * (1f - a[k]);
            }
        }

        @Override
        double initLimit(int fanIn, int fanOut) {
            return 4 * Math.sqrt(6.0 / (fanIn + fanOut)); // Glorot and Bengio 2010, sigmoid variant
        }
    };

    /** {@code z[0..n) ← f(z[0..n))}. */
    public abstract void forward(float[] z, int n);

    /** {@code dz[k] ← dz[k] · f'(z_k)} for k &lt; n, with f' written in terms of the activation {@code a[k]}. */
    public abstract void backward(float[] dz, float[] a, int n);

    /** Half-width of the uniform initialisation for a layer of this activation. */
    abstract double initLimit(int fanIn, int fanOut);
}
