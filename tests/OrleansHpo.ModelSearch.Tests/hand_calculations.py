# Independent plain-Python calculation of the expected values in GpNumericsTests.cs and KdeTests.cs (python3 hand_calculations.py).
import math
def matern(a,b,ib,c):
    D=5*sum(((x-y)*w)**2 for x,y,w in zip(a,b,ib)); B=math.sqrt(D+1e-9)
    return c*(1+B+D/3)*math.exp(-B)
print("matern", repr(matern([0,0],[0.3,0.4],[1,2],1.5)))
# exp-decay-sum multitask: params
noise=0.01; mu=0.2; c=1.3; ib=[0.8,1.7]; alpha=1.2; lam=0.6; gamma=0.7
rmin,rmax=1,9
def renc(r): return (r-rmin+0.5)/(rmax-rmin+1)
def kappa(r):
    beta=alpha/lam; return (beta/(r+beta))**alpha
def k(a,b):
    (x1,r1),(x2,r2)=a,b
    e1,e2=renc(r1),renc(r2)
    return matern(x1,x2,ib,c)+gamma**2*(kappa(e1+e2)-kappa(e1)*kappa(e2))
def m(a): return mu+gamma*kappa(renc(a[1]))
X=[([0.1,0.2],1),([0.1,0.2],3),([0.7,0.4],1)]
y=[0.5,-0.3,1.1]
n=3
K=[[k(X[i],X[j])+(noise if i==j else 0) for j in range(n)] for i in range(n)]
print("k01", repr(k(X[0],X[1])))
# inverse by Gauss-Jordan
A=[row[:]+[1.0 if i==j else 0.0 for j in range(n)] for i,row in enumerate(K)]
for i in range(n):
    p=A[i][i]; A[i]=[v/p for v in A[i]]
    for r in range(n):
        if r!=i:
            f=A[r][i]; A[r]=[vr-f*vi for vr,vi in zip(A[r],A[i])]
Kinv=[row[n:] for row in A]
# determinant via elimination
M=[row[:] for row in K]; det=1.0
for i in range(n):
    det*=M[i][i]
    for r in range(i+1,n):
        f=M[r][i]/M[i][i]; M[r]=[vr-f*vi for vr,vi in zip(M[r],M[i])]
yc=[y[i]-m(X[i]) for i in range(n)]
al=[sum(Kinv[i][j]*yc[j] for j in range(n)) for i in range(n)]
nll=0.5*sum(yc[i]*al[i] for i in range(n))+0.5*math.log(det)+0.5*n*math.log(2*math.pi)
print("nll", repr(nll))
xs=([0.4,0.9],9)
ks=[k(X[i],xs) for i in range(n)]
mean=m(xs)+sum(ks[i]*al[i] for i in range(n))
var=k(xs,xs)-sum(ks[i]*Kinv[i][j]*ks[j] for i in range(n) for j in range(n))
print("mean", repr(mean)); print("var", repr(var))
# KDE
h=1.06*0.2*2**(-1/5)
def phi(u): return math.exp(-0.5*u*u)/math.sqrt(2*math.pi)
x=0.5
print("kde1", repr(0.5*(phi((x-0.2)/h)/h+phi((x-0.6)/h)/h)))
# mixed: data (0.2,cat0),(0.6,cat1),(0.4,cat0); 3 levels
data=[(0.2,0),(0.6,1),(0.4,0)]
mc=sum(d[0] for d in data)/3; sc=math.sqrt(sum((d[0]-mc)**2 for d in data)/3)
mu_=sum(d[1] for d in data)/3; su=math.sqrt(sum((d[1]-mu_)**2 for d in data)/3)
hc=1.06*sc*3**(-1/6); hu=1.06*su*3**(-1/6)
def pdf(x,cat):
    s=0
    for d in data:
        kc=phi((x-d[0])/hc)/hc
        ku=(1-hu) if cat==d[1] else hu/2
        s+=kc*ku
    return s/3
print("kde2", repr(pdf(0.35,0)), repr(hc), repr(hu))
